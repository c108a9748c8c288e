using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Community.Web.Infrastructure.Observability;

/// <summary>
/// The site's own instruments, all in the one <see cref="Meter"/> named <c>Community</c> (docs/operations.md lists them).
/// Static, so that hot paths and other features' files record with one call and no constructor changes; a counter nobody
/// listens to costs a branch. One process serves one site, so process-wide values are the site's values.
/// </summary>
public static class CommunityMetrics
{
    public const string MeterName = "Community";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> LiveDeliveries = Meter.CreateCounter<long>("community.live.deliveries", "{message}",
        "Messages handed to live connections: one per connection a message goes to.");

    private static readonly Counter<long> LiveDropped = Meter.CreateCounter<long>("community.live.dropped", "{connection}",
        "Live connections closed because they fell behind (too many messages waiting or a write stuck); they catch up on reconnect.");

    private static readonly Histogram<double> WriteWait = Meter.CreateHistogram("community.write_queue.wait", "s",
        "Time a writer waited for the SQLite write gate before its transaction began.",
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });

    private static readonly Counter<long> MailSentCounter = Meter.CreateCounter<long>("community.mail.sent", "{message}",
        "Outbox emails handed to the transport (SMTP relay or pickup folder).");

    private static readonly Counter<long> MailFailedCounter = Meter.CreateCounter<long>("community.mail.failed", "{attempt}",
        "Outbox send attempts that failed; the message is retried later with a growing delay.");

    private static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("community.cache.hits", "{lookup}",
        "In-memory cache lookups answered from memory, by cache.");

    private static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("community.cache.misses", "{lookup}",
        "In-memory cache lookups that had to load (usually from the database), by cache.");

    private static long _liveConnections;
    private static long _writeWaiting;
    private static long _outboxDepth;

    static CommunityMetrics()
    {
        Meter.CreateObservableUpDownCounter("community.live.connections", () => Volatile.Read(ref _liveConnections), "{connection}",
            "Live (SignalR) connections open on this server.");
        Meter.CreateObservableUpDownCounter("community.write_queue.depth", () => Volatile.Read(ref _writeWaiting), "{writer}",
            "Writers waiting for the SQLite write gate right now.");
        Meter.CreateObservableGauge("community.mail.outbox.depth", () => Volatile.Read(ref _outboxDepth), "{message}",
            "Outbox emails not yet sent and not given up on, as the dispatcher last saw them.");
    }

    /// <summary>A live connection opened on this server.</summary>
    public static void LiveConnected() => Interlocked.Increment(ref _liveConnections);

    /// <summary>A live connection closed.</summary>
    public static void LiveDisconnected() => Interlocked.Decrement(ref _liveConnections);

    /// <summary>One message was handed to <paramref name="connections"/> connections, <paramref name="dropped"/> of them
    /// closed for falling behind.</summary>
    public static void LiveDelivered(int connections, int dropped)
    {
        if (connections > 0) LiveDeliveries.Add(connections);
        if (dropped > 0) LiveDropped.Add(dropped);
    }

    /// <summary>Connections closed by the stall sweep for falling behind.</summary>
    public static void LiveStalled(int dropped)
    {
        if (dropped > 0) LiveDropped.Add(dropped);
    }

    /// <summary>Measures one writer's wait for the write gate: <c>using (CommunityMetrics.WaitForWrite()) await gate.WaitAsync();</c></summary>
    public static WriteQueueWait WaitForWrite()
    {
        Interlocked.Increment(ref _writeWaiting);
        return new WriteQueueWait(Stopwatch.GetTimestamp());
    }

    /// <summary>The end of a wait started by <see cref="WaitForWrite"/>.</summary>
    public readonly struct WriteQueueWait(long started) : IDisposable
    {
        public void Dispose()
        {
            Interlocked.Decrement(ref _writeWaiting);
            WriteWait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    public static void MailSent(int count)
    {
        if (count > 0) MailSentCounter.Add(count);
    }

    public static void MailFailed() => MailFailedCounter.Add(1);

    /// <summary>The outbox's pending messages as the dispatcher last counted them.</summary>
    public static void MailOutboxDepth(long depth) => Volatile.Write(ref _outboxDepth, depth);

    /// <summary>Counts a lookup in the cache named <paramref name="cache"/> and returns <paramref name="hit"/>, so a call site
    /// wraps its existing test: <c>if (CommunityMetrics.Cache("story-page", pages.TryGetValue(key, out var page)))</c>.</summary>
    public static bool Cache(string cache, bool hit)
    {
        (hit ? CacheHits : CacheMisses).Add(1, new KeyValuePair<string, object?>("cache", cache));
        return hit;
    }
}
