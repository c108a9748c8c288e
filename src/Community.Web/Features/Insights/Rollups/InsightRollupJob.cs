using Community.Web.Infrastructure.Jobs;

namespace Community.Web.Features.Insights.Rollups;

/// <summary>Folds new raw rows into the roll-ups every minute on the one server holding the job's lease, and once a night rebuilds
/// the last days from scratch as well, so anything a pass missed is made good.</summary>
internal sealed partial class InsightRollupJob(IServiceScopeFactory scopes, JobLeases leases, TimeProvider clock, IConfiguration config,
    ILogger<InsightRollupJob> log) : BackgroundService
{
    private const string Job = "insights-rollups";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(config.GetValue("Insights:FoldSeconds", 60));
        if (every <= TimeSpan.Zero) return; // tests fold by hand
        using var timer = new PeriodicTimer(every, clock);
        try
        {
            // The first pass waits a period: start-up (migrations, seeding, tests' set-up) has work enough.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (!await leases.TryHoldAsync(Job, every * 3, stoppingToken)) continue;
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<InsightRollups>().FoldAsync(stoppingToken);
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
