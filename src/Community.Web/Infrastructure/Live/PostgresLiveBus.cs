using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Npgsql;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// Fan-out across several servers through PostgreSQL LISTEN/NOTIFY. Every server, the publisher included,
/// receives each message from PostgreSQL and delivers it to its own connections, so a reply posted on one
/// server reaches viewers connected to any other. NOTIFY payloads are limited to 8000 bytes, so larger
/// messages are split into numbered chunks sent in one transaction (PostgreSQL keeps their order).
/// </summary>
internal sealed class PostgresLiveBus(NpgsqlDataSource dataSource) : ILiveBus
{
    public const string Channel = "community_live";
    internal const int ChunkChars = 7000; // leaves room for the header and multi-byte characters

    public async Task PublishAsync(string group, string method, object payload, CancellationToken ct = default)
    {
        var envelope = new LiveEnvelope(group, method, JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web));
        var json = JsonSerializer.Serialize(envelope, JsonSerializerOptions.Web);
        var id = Guid.NewGuid().ToString("N");
        var count = (json.Length + ChunkChars - 1) / ChunkChars;
        var chunks = new string[count];
        for (var i = 0; i < count; i++)
        {
            chunks[i] = $"{id}|{i}|{count}|{json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - i * ChunkChars))}";
        }
        await using var command = dataSource.CreateCommand(
            $"SELECT pg_notify('{Channel}', c) FROM unnest(@chunks) WITH ORDINALITY AS t(c, n) ORDER BY n");
        command.Parameters.AddWithValue("chunks", chunks);
        await command.ExecuteNonQueryAsync(ct);
    }
}

internal sealed record LiveEnvelope(string Group, string Method, JsonElement Payload);

/// <summary>Listens on the channel with a dedicated connection and delivers to the local hub; reconnects with backoff.</summary>
internal sealed partial class PostgresLiveListener(DatabaseConnection connection, IHubContext<LiveHub> hub, ServerSignals signals,
    ILogger<PostgresLiveListener> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, string?[]> _partial = new(StringComparer.Ordinal);
    // A server signal (say, a connection losing access to a thread) must take effect before later messages go out.
    private Task _signals = Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = new NpgsqlConnection(
                    new NpgsqlConnectionStringBuilder(connection.Value) { KeepAlive = 15, Pooling = false }.ConnectionString);
                await conn.OpenAsync(stoppingToken);
                conn.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresLiveBus.Channel}", conn))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                LogListening(logger);
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
        var parts = raw.Split('|', 4);
        if (parts.Length != 4 || !int.TryParse(parts[1], out var index) || !int.TryParse(parts[2], out var count) || count is < 1 or > 1000) return;
        string json;
        if (count == 1) json = parts[3];
        else
        {
            var buffer = _partial.GetOrAdd(parts[0], _ => new string?[count]);
            buffer[index] = parts[3];
            if (buffer.Any(c => c is null)) return;
            _partial.TryRemove(parts[0], out _);
            json = string.Concat(buffer);
        }
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
