using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Community.Bench;

/// <summary>
/// One viewer of a thread, speaking the SignalR JSON protocol over a raw WebSocket (handshake, JoinThread,
/// then it records when each postCreated arrives). Thousands of these run in the bench process.
/// </summary>
internal sealed class HubViewer : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>seq → Stopwatch timestamp of arrival.</summary>
    public Dictionary<int, long> Arrivals { get; } = [];

    /// <summary>Arrival timestamps of <c>ideaVotes</c> events, in order (the ideas bench sends votes one at a time).</summary>
    public List<long> VoteArrivals { get; } = [];

    /// <summary>Why a viewer may be short of replies: its socket ended, or the server told it to catch up (a real page would).</summary>
    public bool Ended { get; private set; }
    public int CatchUpSignals { get; private set; }

    /// <summary>Joins a thread; with <paramref name="read"/> false the viewer then never reads its socket again (a stuck tab).</summary>
    public static async Task<HubViewer> JoinAsync(string baseUrl, long threadId, bool read = true)
    {
        var viewer = new HubViewer();
        viewer._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await viewer._socket.ConnectAsync(new Uri(baseUrl.Replace("http", "ws", StringComparison.Ordinal) + "/hubs/live"), CancellationToken.None);
        await viewer.SendAsync("{\"protocol\":\"json\",\"version\":1}");
        await viewer.ReceiveFrameAsync(new byte[1024]); // handshake answer
        await viewer.SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = "JoinThread", arguments = new object[] { threadId } }));
        if (read) viewer._loop = Task.WhenAll(Task.Run(viewer.LoopAsync), Task.Run(viewer.PingAsync));
        return viewer;
    }

    // SignalR closes a connection it has not heard from for 30 s; a browser pings every 15 s, and so do long runs here.
    private async Task PingAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await SendAsync("{\"type\":6}");
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException) { }
    }

    private async Task LoopAsync()
    {
        var buffer = new byte[8192];
        while (!_stop.IsCancellationRequested)
        {
            string? frame;
            try { frame = await ReceiveFrameAsync(buffer); }
            catch (Exception) { Ended = !_stop.IsCancellationRequested; return; }
            if (frame is null) { Ended = !_stop.IsCancellationRequested; return; }
            var now = Stopwatch.GetTimestamp();
            foreach (var message in frame.Split(Separator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (message.Contains("\"Resync\"", StringComparison.Ordinal) || message.Contains("\"Reconnect\"", StringComparison.Ordinal))
                    CatchUpSignals++;
                if (message.Contains("\"ideaVotes\"", StringComparison.Ordinal)) lock (VoteArrivals) VoteArrivals.Add(now);
                if (!message.Contains("\"postCreated\"", StringComparison.Ordinal) || Seq(message) is not { } seq) continue;
                lock (Arrivals) Arrivals.TryAdd(seq, now);
            }
        }
    }

    // A scan rather than a JSON parse: a thousand viewers share the server's two cores, and the bench should cost little.
    private static int? Seq(string message)
    {
        var at = message.IndexOf("\"seq\":", StringComparison.Ordinal);
        if (at < 0) return null;
        var digits = message.AsSpan(at + 6);
        var end = 0;
        while (end < digits.Length && char.IsAsciiDigit(digits[end])) end++;
        return int.TryParse(digits[..end], System.Globalization.CultureInfo.InvariantCulture, out var seq) ? seq : null;
    }

    private async Task<string?> ReceiveFrameAsync(byte[] buffer)
    {
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
        }
    }

    private Task SendAsync(string json) => _socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); } catch (WebSocketException) { } catch (ObjectDisposedException) { }
        try { await _loop; } catch (OperationCanceledException) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
