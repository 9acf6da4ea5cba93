using System.Buffers;

namespace Aggregator.Hosting.Http;

/// <summary>
/// The response body of a scrape: holds the first bytes in a pooled buffer so that a small exposition goes out with
/// an exact <c>Content-Length</c>; past the limit it starts the response and streams the rest (chunked). Nothing ever
/// holds more than the limit.
/// </summary>
internal sealed class SpillStream : Stream
{
    private readonly Func<Stream> _openBody;
    private readonly byte[] _buffer;
    private int _buffered;
    private Stream? _body;

    public SpillStream(Func<Stream> openBody, int limit)
    {
        _openBody = openBody;
        _buffer = ArrayPool<byte>.Shared.Rent(limit);
    }

    public long Length64 { get; private set; }

    public bool Spilled => _body is not null;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Length64;

    public override long Position
    {
        get => Length64;
        set => throw new NotSupportedException();
    }

    /// <summary>Sends what is still buffered; returns the buffered length when the whole body fit, null when it spilled.</summary>
    public async ValueTask<long?> CompleteAsync(Action<long> setContentLength, CancellationToken cancellationToken)
    {
        if (_body is null)
        {
            setContentLength(_buffered);
            await _openBody().WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
            return _buffered;
        }

        return null;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) =>
        WriteAsync(buffer.ToArray()).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Length64 += buffer.Length;
        if (_body is null && _buffered + buffer.Length <= _buffer.Length)
        {
            buffer.Span.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += buffer.Length;
            return;
        }

        if (_body is null)
        {
            _body = _openBody();
            await _body.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
        }

        await _body.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _body?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        base.Dispose(disposing);
    }
}
