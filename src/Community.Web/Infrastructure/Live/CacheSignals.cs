using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Npgsql;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// Tells every server that something it may hold in memory changed (a thread, a member's reading state, the leaderboard),
/// so per-server caches stay correct when several servers share one database. Handlers run on the publishing server at
/// once and on the others within milliseconds. A handler called with <see cref="Everything"/> must drop its whole topic:
/// it means messages may have been missed (the listener reconnected).
/// </summary>
public interface ICacheSignals
{
    void Subscribe(string topic, Action<string> changed);
    void Publish(string topic, string key);
}

public static class CacheSignalTopics
{
    public const string Everything = "*";
}

/// <summary>One server (SQLite, or a single PostgreSQL server): signals are plain calls.</summary>
internal class InProcessCacheSignals : ICacheSignals
{
    private readonly ConcurrentDictionary<string, ImmutableHandlers> _handlers = new(StringComparer.Ordinal);

    public void Subscribe(string topic, Action<string> changed) =>
        _handlers.AddOrUpdate(topic, _ => new ImmutableHandlers([changed]), (_, h) => new ImmutableHandlers([.. h.All, changed]));

    public virtual void Publish(string topic, string key) => Deliver(topic, key);

    protected void Deliver(string topic, string key)
    {
        if (_handlers.TryGetValue(topic, out var h)) foreach (var handler in h.All) handler(key);
    }

    protected void DeliverEverything()
    {
        foreach (var (_, h) in _handlers) foreach (var handler in h.All) handler(CacheSignalTopics.Everything);
    }

    private sealed record ImmutableHandlers(Action<string>[] All);
}

/// <summary>
/// Several servers on PostgreSQL: signals are batched into NOTIFY messages on their own channel and every server
/// LISTENs. A server ignores its own messages (it already ran the handlers) and drops everything after a reconnect.
/// </summary>
internal sealed partial class PostgresCacheSignals(DatabaseConnection connection, ILogger<PostgresCacheSignals> logger)
    : InProcessCacheSignals, IHostedService, IAsyncDisposable
{
    public const string Channel = "community_cache";
    private const int MaxPayloadBytes = LiveChunks.MaxPayloadBytes; // NOTIFY counts UTF-8 bytes, not characters
    private readonly string _server = Guid.NewGuid().ToString("N")[..12];
    private readonly Channel<string> _outbox = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(100_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlDataSource? _source;
    private Task _sending = Task.CompletedTask, _listening = Task.CompletedTask;
    private int _disposed;

    public override void Publish(string topic, string key)
    {
        Deliver(topic, key);
        _outbox.Writer.TryWrite(topic + "|" + key);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _source = NpgsqlDataSource.Create(connection.Value);
        _sending = Task.Run(SendAsync, CancellationToken.None);
        _listening = Task.Run(ListenAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host that is disposed before (or again after) it is stopped must not fail its own shutdown.
        if (Volatile.Read(ref _disposed) != 0) return;
        _outbox.Writer.TryComplete();
        try { await _sending.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken); }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException) { }
        // The host gives up on a slow stop and disposes its services: this may finish after DisposeAsync ran.
        Cancel();
        try { await _listening; } catch (OperationCanceledException) { }
    }

    private void Cancel()
    {
        try { _stop.Cancel(); }
        catch (ObjectDisposedException) { /* disposed meanwhile: the listener was cancelled then */ }
    }

    private async Task SendAsync()
    {
        var batch = new StringBuilder();
        string? carried = null; // read, but it did not fit in the previous batch
        while (await _outbox.Reader.WaitToReadAsync())
        {
            batch.Clear().Append(_server);
            var bytes = _server.Length;
            while ((carried ??= _outbox.Reader.TryRead(out var next) ? next : null) is { } item)
            {
                // A key too long for one message (none is, today) drops its whole topic instead of being lost.
                var line = Encoding.UTF8.GetByteCount(item) + 1 < MaxPayloadBytes / 2
                    ? item : item[..item.IndexOf('|', StringComparison.Ordinal)] + "|*";
                var size = Encoding.UTF8.GetByteCount(line) + 1;
                if (bytes + size > MaxPayloadBytes) break;
                batch.Append('\n').Append(line);
                bytes += size;
                carried = null;
            }
            try
            {
                await using var command = _source!.CreateCommand($"SELECT pg_notify('{Channel}', $1)");
                command.Parameters.AddWithValue(batch.ToString());
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                LogSendFailed(logger, ex.Message); // other servers drop everything when their own listener reconnects
            }
        }
    }

    private async Task ListenAsync()
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(
                    new NpgsqlConnectionStringBuilder(connection.Value) { KeepAlive = 15, Pooling = false }.ConnectionString);
                await conn.OpenAsync(_stop.Token);
                conn.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn)) await listen.ExecuteNonQueryAsync(_stop.Token);
                DeliverEverything(); // whatever changed while we were not listening
                delay = TimeSpan.FromMilliseconds(250);
                while (!_stop.IsCancellationRequested) await conn.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                LogListenLost(logger, ex.Message, delay.TotalMilliseconds);
                try { await Task.Delay(delay, _stop.Token); } catch (OperationCanceledException) { return; }
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }

    private void OnNotification(string payload)
    {
        var lines = payload.Split('\n');
        if (lines[0] == _server) return;
        foreach (var line in lines.AsSpan(1))
        {
            var bar = line.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0) Deliver(line[..bar], line[(bar + 1)..]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Cancel();
        _stop.Dispose();
        if (_source is not null) await _source.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache signal not sent ({Error})")]
    private static partial void LogSendFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache signal listener lost its PostgreSQL connection ({Error}); retrying in {DelayMs} ms")]
    private static partial void LogListenLost(ILogger logger, string error, double delayMs);
}
