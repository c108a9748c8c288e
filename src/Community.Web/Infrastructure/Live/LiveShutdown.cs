using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// A graceful stop with live connections open. Once the host is stopping, pages are told to reconnect elsewhere
/// (<see cref="ReconnectMethod"/>, then their connection is closed) and new hub requests, negotiate and WebSocket alike,
/// get 503 with Retry-After: a page that reconnected straight back into a stopping server would hold its stop until the
/// shutdown timeout, because Kestrel waits for open connections and SignalR closed only those it had when stopping began.
/// </summary>
public sealed partial class LiveShutdown(
    IHostApplicationLifetime lifetime, LiveConnections connections, IHubContext<LiveHub> hub, HubLifetimeManager<LiveHub> manager,
    ILogger<LiveShutdown> logger) : IDisposable
{
    /// <summary>Server → client, no arguments: this server is going away; reconnect (the load balancer picks another).</summary>
    public const string ReconnectMethod = "Reconnect";

    /// <summary>Seconds a refused client is asked to wait; its own jittered backoff spreads the herd further.</summary>
    public const int RetryAfterSeconds = 2;

    private int _watching;
    private CancellationTokenRegistration _registration;

    public bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>
    /// Called as each connection arrives. The stopping callback is registered then, not at start-up, so it is registered
    /// after SignalR's own (which closes every connection at once) and, callbacks running newest first, runs before it.
    /// </summary>
    internal void Watch()
    {
        if (Interlocked.Exchange(ref _watching, 1) == 0) _registration = lifetime.ApplicationStopping.Register(TellClientsToReconnect);
    }

    public void Dispose() => _registration.Dispose();

    private void TellClientsToReconnect()
    {
        var open = connections.All.ToList();
        if (open.Count == 0) return;
        LogTellingClients(logger, open.Count);
        try
        {
            // Sends never wait on a slow connection (LiveFanout), so this is quick however many are open.
            _ = hub.Clients.Clients(open.Select(c => c.Id).ToList()).SendAsync(LiveShutdown.ReconnectMethod);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            LogSendFailed(logger, ex);
        }
        // Stopping callbacks run one after another, so this waits in line: until the message has left every outbox (on a busy
        // machine the dispatcher can take longer than any fixed pause, and a page then got no Reconnect), at most two seconds,
        // then a short pause for the transports to put it on the wire before the connections are closed.
        if (manager is LiveFanout fanout) fanout.Drain(TimeSpan.FromSeconds(2));
        Thread.Sleep(100);
        foreach (var connection in open) connection.Context.Abort();
        SpinWait.SpinUntil(() => connections.All.Count == 0, TimeSpan.FromSeconds(2));
    }

    /// <summary>Wraps a hub endpoint: refused with 503 and Retry-After while the server stops.</summary>
    internal static RequestDelegate RefuseWhileStopping(RequestDelegate inner) => async context =>
    {
        var shutdown = context.RequestServices.GetRequiredService<LiveShutdown>();
        if (!shutdown.Stopping)
        {
            await inner(context);
            return;
        }
        await Problems.Problems.WriteUnavailableAsync(context, "This server is restarting. Reconnect in a moment.", RetryAfterSeconds);
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: telling {Count} live connections to reconnect elsewhere")]
    private static partial void LogTellingClients(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell live connections to reconnect")]
    private static partial void LogSendFailed(ILogger logger, Exception ex);
}
