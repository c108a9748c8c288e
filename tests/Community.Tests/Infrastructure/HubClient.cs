using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Community.Tests.Infrastructure;

/// <summary>
/// A connection to /hubs/live through the official SignalR client, recording every server-to-client call it can receive.
/// The official client drops a call whose target has no handler, so every target in <see cref="Targets"/> gets one:
/// a target missing there would make a test wait in vain, or make a "did not arrive" assertion pass for the wrong reason
/// (<c>HubClientTargetsTests</c> fails when the server sends a target this list lacks).
/// </summary>
public sealed class HubClient : IAsyncDisposable
{
    /// <summary>Every target the server sends to browsers, and the two the tests publish through the live bus themselves.</summary>
    public static readonly IReadOnlyList<string> Targets =
    [
        "postCreated", "postUpdated", "threadUpdated", "threadDeleted", "threadCreated", "threadActivity",
        "typing", "viewers", "flagCreated", "flagsResolved", "notification", "referralCredit",
        "ideaVotes", "ideaChanged",
        "notice", "ready", // test-only: LiveBusTests, SessionEnd*Tests
        "Reconnect", // no arguments: a stopping server (LiveShutdown)
        "Resync", // no arguments: the live bus reconnected
    ];

    /// <summary>Targets sent without an argument (recorded with a default <see cref="JsonElement"/>).</summary>
    private static readonly HashSet<string> NoArguments = new(StringComparer.Ordinal) { "Reconnect", "Resync" };

    private readonly HubConnection _connection;
    private readonly List<(string Target, JsonElement Arg)> _received = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HubClient(HubConnection connection)
    {
        _connection = connection;
        foreach (var target in Targets)
        {
            _connection.On(target, NoArguments.Contains(target) ? Type.EmptyTypes : [typeof(JsonElement)], args =>
            {
                lock (_received) _received.Add((target, args.Length > 0 ? (JsonElement)args[0]! : default));
                _arrived.Release();
                return Task.CompletedTask;
            });
        }
        _connection.Closed += _ =>
        {
            _closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Connects over a WebSocket through the factory's TestServer, optionally as the member owning <paramref name="cookie"/>.</summary>
    public static Task<HubClient> ConnectAsync(WebApplicationFactory<Program> factory, string? cookie = null)
    {
        var server = factory.Server;
        return StartAsync(new Uri(server.BaseAddress, "hubs/live"), o =>
        {
            o.HttpMessageHandlerFactory = _ => server.CreateHandler();
            o.WebSocketFactory = async (context, ct) =>
            {
                var client = server.CreateWebSocketClient();
                if (cookie is not null) client.ConfigureRequest = r => r.Headers.Cookie = cookie;
                return await client.ConnectAsync(context.Uri, ct);
            };
        });
    }

    /// <summary>Connects over a real socket (ws://127.0.0.1:port/hubs/live).</summary>
    public static Task<HubClient> ConnectAsync(Uri hubUrl, string? cookie = null) =>
        StartAsync(hubUrl, o =>
        {
            if (cookie is not null) o.Headers["Cookie"] = cookie;
        });

    private static async Task<HubClient> StartAsync(Uri url, Action<HttpConnectionOptions> configure)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o =>
            {
                // A WebSocket straight away, as browsers connect here (no negotiate round trip, no fallback transport).
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                configure(o);
            })
            .Build();
        var client = new HubClient(connection);
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
        return client;
    }

    /// <summary>Invokes a hub method and waits for its result; a hub error is a <see cref="Microsoft.AspNetCore.SignalR.HubException"/>.</summary>
    public async Task<JsonElement> InvokeAsync(string method, params object?[] args) =>
        await _connection.InvokeCoreAsync(method, typeof(JsonElement), args).WaitAsync(TimeSpan.FromSeconds(10)) is JsonElement result
            ? result
            : default; // a method that returns nothing

    /// <summary>Waits for a server-to-client call of <paramref name="target"/> whose argument matches.</summary>
    public async Task<JsonElement> WaitForAsync(string target, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (_received)
            {
                foreach (var (t, arg) in _received)
                {
                    if (t == target && (match is null || match(arg))) return arg;
                }
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left)) throw new TimeoutException($"No '{target}' message arrived.");
        }
    }

    /// <summary>Completes when the connection ends (the server closed it, or it failed).</summary>
    public Task Closed => _closed.Task;

    /// <summary>What arrived for <paramref name="target"/> so far, in order of arrival.</summary>
    public IReadOnlyList<JsonElement> Received(string target)
    {
        lock (_received) return _received.Where(r => r.Target == target).Select(r => r.Arg).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
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
