using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Npgsql;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// Fan-out across several servers through PostgreSQL LISTEN/NOTIFY. Every server, the publisher included,
/// receives each message from PostgreSQL and delivers it to its own connections, so a reply posted on one
/// server reaches viewers connected to any other. NOTIFY payloads are limited to 8000 bytes, so larger
/// messages are split by UTF-8 bytes into numbered chunks sent in one transaction (PostgreSQL keeps their order).
/// </summary>
internal sealed partial class PostgresLiveBus(NpgsqlDataSource dataSource, ILogger<PostgresLiveBus> logger) : ILiveBus
{
    public const string Channel = "community_live";

    /// <summary>The hub message that tells every connected page to catch up by sequence number now (the bus may have lost messages).</summary>
    public const string Resync = "Resync";

    private const int MaxChunksPerStatement = 256;
    private readonly System.Threading.Channels.Channel<Pending> _queue =
        System.Threading.Channels.Channel.CreateUnbounded<Pending>(new() { SingleReader = true });
    private int _started;

    private sealed record Pending(string[] Chunks, string Group, string Method, TaskCompletionSource Sent);

    /// <summary>
    /// Publishes after the change has committed, so a failure here must not fail the request (the write is saved; a 503 would
    /// make the user retry it). Messages queue for one sender, which NOTIFYs everything queued in one statement: under load sixteen
    /// replies' messages cost PostgreSQL one round trip instead of thirty-two, and the queue keeps their order. A pooled connection
    /// that died is retried once on a fresh one; beyond that the messages are logged and dropped: pages catch up by sequence number,
    /// and when the database is back every listener reconnects and sends <see cref="Resync"/>. The returned task completes when the
    /// message was sent (or dropped).
    /// </summary>
    public Task PublishAsync(string group, string method, object payload, CancellationToken ct = default)
    {
        var envelope = new LiveEnvelope(group, method, JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web));
        var json = JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web);
        var pending = new Pending(LiveChunks.Split(Guid.NewGuid().ToString("N"), json), group, method,
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(pending);
        if (Interlocked.Exchange(ref _started, 1) == 0) _ = Task.Run(SendLoopAsync, CancellationToken.None);
        return pending.Sent.Task.WaitAsync(ct);
    }

    private async Task SendLoopAsync()
    {
        var reader = _queue.Reader;
        List<Pending> batch = [];
        while (await reader.WaitToReadAsync())
        {
            var chunks = 0;
            while (chunks < MaxChunksPerStatement && reader.TryRead(out var next))
            {
                batch.Add(next);
                chunks += next.Chunks.Length;
            }
            await SendAsync(batch);
            foreach (var sent in batch) sent.Sent.TrySetResult();
            batch.Clear();
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        var chunks = batch.Count == 1 ? batch[0].Chunks : [.. batch.SelectMany(p => p.Chunks)];
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = dataSource.CreateCommand(
                    $"SELECT pg_notify('{Channel}', c) FROM unnest(@chunks) WITH ORDINALITY AS t(c, n) ORDER BY n");
                command.Parameters.AddWithValue("chunks", chunks);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
            {
                if (attempt == 1) { dataSource.Clear(); continue; }
                foreach (var p in batch) LogDropped(logger, p.Method, p.Group, e.Message);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live message {Method} to {Group} not sent: the database is unreachable ({Error})")]
    private static partial void LogDropped(ILogger logger, string method, string group, string error);
}

internal sealed record LiveEnvelope(string Group, string Method, JsonElement Payload);

/// <summary>
/// Listens on the channel with a dedicated connection and delivers to the local hub; reconnects with backoff.
/// After a reconnect every connected page is sent <see cref="PostgresLiveBus.Resync"/>: what was published while the listener was
/// away is lost to this server, and the pages fetch it through the sequence-number path.
/// </summary>
internal sealed partial class PostgresLiveListener(DatabaseConnection connection, IHubContext<LiveHub> hub, ServerSignals signals,
    TimeProvider clock, ILogger<PostgresLiveListener> logger) : BackgroundService
{
    private readonly LiveChunkAssembler _chunks = new(clock);
    private bool _listenedBefore;
    // A server signal (say, a connection losing access to a thread) must take effect before later messages go out.
    private Task _signals = Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _chunks.Clear(); // a message cut by a drop never completes
                await using var conn = new NpgsqlConnection(
                    new NpgsqlConnectionStringBuilder(connection.Value) { KeepAlive = 15, Pooling = false }.ConnectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresLiveBus.Channel}", conn))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                LogListening(logger);
                if (_listenedBefore) await hub.Clients.All.SendAsync(PostgresLiveBus.Resync, stoppingToken);
                _listenedBefore = true;
                delay = TimeSpan.FromMilliseconds(250);
                while (!stoppingToken.IsCancellationRequested) await conn.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                LogLost(logger, ex.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }

    private void OnNotification(string raw)
    {
        if (_chunks.Add(raw) is not { } json) return;
        var envelope = JsonSerializer.Deserialize<LiveEnvelope>(json, JsonSerializerOptions.Web);
        if (envelope is null) return;
        if (envelope.Group == LiveGroups.Servers) Then(() => signals.DispatchAsync(envelope.Method, envelope.Payload));
        // Queued behind a signal still running (in order); notifications arrive on one thread, so _signals needs no lock.
        else if (!_signals.IsCompleted) Then(() => hub.Clients.Group(envelope.Group).SendAsync(envelope.Method, envelope.Payload));
        else _ = hub.Clients.Group(envelope.Group).SendAsync(envelope.Method, envelope.Payload);
    }

    private void Then(Func<Task> next) =>
        _signals = _signals.IsCompleted ? next() : _signals.ContinueWith(_ => next(), TaskScheduler.Default).Unwrap();

    [LoggerMessage(Level = LogLevel.Information, Message = "Live bus listening on PostgreSQL channel community_live")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live bus lost its PostgreSQL connection ({Error}); retrying in {DelayMs} ms")]
    private static partial void LogLost(ILogger logger, string error, double delayMs);
}

/// <summary>The PostgreSQL connection string, for the live listener's dedicated connection.</summary>
internal sealed record DatabaseConnection(string Value);
