using System.Runtime;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// Returns the memory of live connections to the operating system after many of them close. Thousands of WebSocket
/// viewers leave garbage and freed buffers behind; a server that then goes quiet allocates too little to trigger a full
/// collection, so the GC kept that memory committed (501 MiB after 5,000 viewers left, issue #8). When the connection
/// count has fallen sharply and stopped falling, one compacting collection (large objects included) decommits it.
/// </summary>
internal sealed partial class LiveMemoryRelease(LiveFanout connections, LiveDeliveryOptions options, ILogger<LiveMemoryRelease> logger)
    : BackgroundService
{
    private int _releases;
    private int _checks;

    /// <summary>How many times memory was released, and the count looked at (for tests).</summary>
    public int Releases => Volatile.Read(ref _releases);
    public int Checks => Volatile.Read(ref _checks);

    /// <summary>True when <paramref name="now"/> is at least MinDrop connections and half below the peak, and held since the last look.</summary>
    public static bool ShouldRelease(int peak, int previous, int now, int minDrop) =>
        peak - now >= minDrop && now <= peak / 2 && now == previous;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.MemoryCheckSeconds)));
        int peak = connections.Count, previous = peak;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = connections.Count;
                peak = Math.Max(peak, now);
                if (ShouldRelease(peak, previous, now, options.ReleaseMemoryAfterDrop))
                {
                    Release(peak, now);
                    peak = now;
                }
                previous = now;
                Interlocked.Increment(ref _checks);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private void Release(int peak, int now)
    {
        var before = Environment.WorkingSet;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        // Sockets and timers of the closed connections may still have finalizers to run before their memory is free.
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Community.Media.Vips.TrimNativeHeap();
        Interlocked.Increment(ref _releases);
        LogReleased(logger, peak, now, (before - Environment.WorkingSet) / (1024 * 1024));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live connections fell from {Peak} to {Now}: returned {MiB} MiB to the system")]
    private static partial void LogReleased(ILogger logger, int peak, int now, long miB);
}
