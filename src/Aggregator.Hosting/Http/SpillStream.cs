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
    private long _length;

    public SpillStream(Func<Stream> openBody, int limit)
    {
        _openBody = openBody;
        _buffer = ArrayPool<byte>.Shared.Rent(limit);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    /// <summary>Bytes written so far, buffered or sent.</summary>
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>When the whole body fit in the buffer: sets its exact length, then sends it. A spilled body is already out.</summary>
    public async ValueTask CompleteAsync(Action<long> setContentLength, CancellationToken cancellationToken)
    {
        if (_body is null)
        {
            setContentLength(_buffered);
            await _openBody().WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) =>
        WriteAsync(buffer.ToArray()).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _length += buffer.Length;
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
