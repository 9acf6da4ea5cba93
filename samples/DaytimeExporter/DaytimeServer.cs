using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DaytimeExporter;

/// <summary>An RFC 867 daytime server on 127.0.0.1: each connection gets the date and time as one line, then is closed.</summary>
internal sealed class DaytimeServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();

    private DaytimeServer(TcpListener listener) => _listener = listener;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static DaytimeServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = new DaytimeServer(listener);
        _ = server.ServeAsync();
        return server;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var line = DateTimeOffset.UtcNow.ToString("dddd, MMMM d, yyyy HH:mm:ss-'UTC'", CultureInfo.InvariantCulture) + "\r\n";
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(line), _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // One failed connection does not stop the service.
            }
        }
    }
}
