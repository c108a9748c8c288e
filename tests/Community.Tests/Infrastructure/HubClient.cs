using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Community.Tests.Infrastructure;

/// <summary>
/// A small SignalR client speaking the documented JSON hub protocol over a WebSocket (the .NET client package
/// is not available here): handshake, invocations with completions, and a record of every server message.
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly WebSocket _socket;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly List<(string Target, JsonElement[] Args)> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;
    private Task _loop = Task.CompletedTask;

    private HubClient(WebSocket socket) => _socket = socket;

    /// <summary>Connects to /hubs/live on a TestServer, optionally as the member owning <paramref name="cookie"/>.</summary>
    public static async Task<HubClient> ConnectAsync(WebApplicationFactory<Program> factory, string? cookie = null)
    {
        var ws = factory.Server.CreateWebSocketClient();
        if (cookie is not null) ws.ConfigureRequest = r => r.Headers.Cookie = cookie;
        var socket = await ws.ConnectAsync(new Uri(factory.Server.BaseAddress, "hubs/live"), CancellationToken.None);
        return await HandshakeAsync(socket);
    }

    /// <summary>Connects over a real socket (ws://127.0.0.1:port/hubs/live).</summary>
    public static async Task<HubClient> ConnectAsync(Uri hubUrl, string? cookie = null)
    {
        var socket = new ClientWebSocket();
        if (cookie is not null) socket.Options.SetRequestHeader("Cookie", cookie);
        await socket.ConnectAsync(hubUrl, CancellationToken.None);
        return await HandshakeAsync(socket);
    }

    private static async Task<HubClient> HandshakeAsync(WebSocket socket)
    {
        var client = new HubClient(socket);
        await client.SendRawAsync("{\"protocol\":\"json\",\"version\":1}");
        var first = await client.ReceiveFrameAsync();
        if (first is null || first.Contains("\"error\"", StringComparison.Ordinal)) throw new InvalidOperationException("Handshake failed: " + first);
        client._loop = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    /// <summary>Invokes a hub method and waits for its completion; a hub error becomes an exception.</summary>
    public async Task<JsonElement> InvokeAsync(string method, params object?[] args)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = done;
        await SendRawAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments = args }, JsonSerializerOptions.Web));
        return await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for a server-to-client call of <paramref name="target"/> whose first argument matches.</summary>
    public async Task<JsonElement> WaitForAsync(string target, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (_received)
            {
                foreach (var (t, args) in _received)
                {
                    if (t == target && args.Length > 0 && (match is null || match(args[0]))) return args[0];
                }
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left)) throw new TimeoutException($"No '{target}' message arrived.");
        }
    }

    /// <summary>Completes when the server closes the connection (a close message or the socket ending).</summary>
    public Task Closed => _closed.Task;

    public IReadOnlyList<JsonElement> Received(string target)
    {
        lock (_received) return _received.Where(r => r.Target == target && r.Args.Length > 0).Select(r => r.Args[0]).ToList();
    }

    private async Task ReceiveLoopAsync()
    {
        try { await ReceiveMessagesAsync(); }
        finally { _closed.TrySetResult(); }
    }

    private async Task ReceiveMessagesAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            string? frame;
            try { frame = await ReceiveFrameAsync(); }
            catch (Exception) { break; }
            if (frame is null) break;
            foreach (var message in frame.Split(Separator, StringSplitOptions.RemoveEmptyEntries))
            {
                using var doc = JsonDocument.Parse(message);
                var root = doc.RootElement.Clone();
                switch (root.GetProperty("type").GetInt32())
                {
                    case 1:
                        lock (_received) _received.Add((root.GetProperty("target").GetString()!, [.. root.GetProperty("arguments").EnumerateArray()]));
                        _arrived.Release();
                        break;
                    case 7:
                        return;
                    case 3 when _pending.TryRemove(root.GetProperty("invocationId").GetString()!, out var done):
                        if (root.TryGetProperty("error", out var error)) done.SetException(new InvalidOperationException(error.GetString()));
                        else done.SetResult(root.TryGetProperty("result", out var result) ? result : default);
                        break;
                }
            }
        }
    }

    private async Task<string?> ReceiveFrameAsync()
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.ToArray());
        }
    }

    private Task SendRawAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); } catch (WebSocketException) { } catch (ObjectDisposedException) { }
        try { await _loop; } catch (OperationCanceledException) { }
        _socket.Dispose();
        _stop.Dispose();
        _arrived.Dispose();
    }
}

public static class Cookies
{
    /// <summary>Signs in with a cookie-less client and returns the Cookie header a WebSocket can carry.</summary>
    public static async Task<string> SignInAsync(HttpClient raw, string email, string password = ApiClient.DefaultPassword)
    {
        var tokenResponse = await raw.GetAsync("/api/antiforgery");
        var csrfCookie = CookiePairs(tokenResponse);
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/signin") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add("Cookie", csrfCookie);
        request.Headers.Add("X-CSRF-TOKEN", token);
        var response = await raw.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return CookiePairs(response);
    }

    private static string CookiePairs(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : []);
}
