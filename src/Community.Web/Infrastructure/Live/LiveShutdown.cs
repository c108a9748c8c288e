using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// A graceful stop with live connections open. Once the host is stopping, pages are told to reconnect elsewhere
/// (<see cref="ReconnectMethod"/>, then their connection is closed) and new hub requests, negotiate and WebSocket alike,
/// get 503 with Retry-After: a page that reconnected straight back into a stopping server would hold its stop until the
/// shutdown timeout, because Kestrel waits for open connections and SignalR closed only those it had when stopping began.
/// </summary>
public sealed partial class LiveShutdown(
    IHostApplicationLifetime lifetime, LiveConnections connections, IHubContext<LiveHub> hub, ILogger<LiveShutdown> logger) : IHostedService
{
    /// <summary>Server → client, no arguments: this server is going away; reconnect (the load balancer picks another).</summary>
    public const string ReconnectMethod = "Reconnect";

    /// <summary>Seconds a refused client is asked to wait; its own jittered backoff spreads the herd further.</summary>
    public const int RetryAfterSeconds = 2;

    private CancellationTokenRegistration _registration;

    public bool Stopping => lifetime.ApplicationStopping.IsCancellationRequested;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered after SignalR's own stopping callback, so (callbacks run newest first) ours runs before it closes connections.
        _registration = lifetime.ApplicationStopping.Register(() => _ = TellClientsToReconnectAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _registration.DisposeAsync().AsTask();

    private async Task TellClientsToReconnectAsync()
    {
        var open = connections.All.ToList();
        if (open.Count == 0) return;
        LogTellingClients(logger, open.Count);
        try
        {
            // Sends never wait on a slow connection (LiveFanout), so this is quick however many are open.
            await hub.Clients.Clients(open.Select(c => c.Id).ToList()).SendAsync(LiveShutdown.ReconnectMethod);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            LogSendFailed(logger, ex);
        }
        // The message is handed to each transport first; closing then flushes it before the socket goes.
        foreach (var connection in open) connection.Context.Abort();
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
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await TypedResults.Problem("This server is restarting. Reconnect in a moment.", statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Service unavailable",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { [Problems.Problems.RetryAfterSeconds] = RetryAfterSeconds })
            .ExecuteAsync(context);
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: telling {Count} live connections to reconnect elsewhere")]
    private static partial void LogTellingClients(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell live connections to reconnect")]
    private static partial void LogSendFailed(ILogger logger, Exception ex);
}
