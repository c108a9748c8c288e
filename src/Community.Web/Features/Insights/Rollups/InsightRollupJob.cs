using Community.Web.Infrastructure.Jobs;

namespace Community.Web.Features.Insights.Rollups;

/// <summary>Folds new raw rows into the roll-ups every minute on the one server holding the job's lease, and once a day recomputes the
/// last 35 days whatever changed, so changes that add no row are made good.</summary>
internal sealed partial class InsightRollupJob(IServiceScopeFactory scopes, JobLeases leases, TimeProvider clock, IConfiguration config,
    ILogger<InsightRollupJob> log) : BackgroundService
{
    private const string Job = "insights-rollups";
    private const int NightlyDays = 35;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(config.GetValue("Insights:FoldSeconds", 60));
        if (every <= TimeSpan.Zero) return; // tests fold by hand
        using var timer = new PeriodicTimer(every, clock);
        var lastNight = DateOnly.MinValue;
        try
        {
            // The first pass waits a period: start-up (migrations, seeding, tests' set-up) has work enough.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!await leases.TryHoldAsync(Job, every * 3, stoppingToken)) continue;
                    await using var scope = scopes.CreateAsyncScope();
                    var rollups = scope.ServiceProvider.GetRequiredService<InsightRollups>();
                    await rollups.FoldAsync(stoppingToken);
                    var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
                    if (today != lastNight)
                    {
                        // Once a day (per holder; a second run elsewhere only repeats the same rows).
                        await rollups.RecomputeRecentAsync(NightlyDays, stoppingToken);
                        lastNight = today;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(log, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await leases.ReleaseAsync(Job, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Insights roll-up pass failed (the next pass tries again)")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
