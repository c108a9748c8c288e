using System.Collections.Concurrent;
using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Recognition;

/// <summary>
/// Listens to member activity (in the background, off the request path): stores visit days at once, and leaves the members to
/// <see cref="RecognitionRecheck"/>, which recomputes their trust levels and grants the badges they earned a moment later, coalesced.
/// Everything it decides comes from committed data; what it misses, the daily pass makes good.
/// </summary>
internal sealed class RecognitionActivityHandler(CommunityDb db, RecognitionRecheck soon) : IMemberActivityHandler
{
    // Visits and votes earn no badge: only these send the members through the badge rules.
    private static readonly HashSet<ActivityKind> Earning = [ActivityKind.Joined, ActivityKind.ThreadStarted, ActivityKind.Replied,
        ActivityKind.AnswerAccepted, ActivityKind.ReferralConverted, ActivityKind.IdeaShipped, ActivityKind.Featured];

    public async Task HandleAsync(IReadOnlyList<MemberActivity> batch, CancellationToken ct)
    {
        var visits = batch.Where(a => a.Kind == ActivityKind.Visited).Select(a => (a.MemberId, a.At.Date)).Distinct().ToList();
        foreach (var (member, day) in visits)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "MemberVisitDays" ("MemberId", "Day") VALUES ({member}, {DateTime.SpecifyKind(day, DateTimeKind.Utc)})
                ON CONFLICT DO NOTHING
                """, ct);
        }
        var earning = batch.Where(a => Earning.Contains(a.Kind)).Select(a => a.MemberId).ToHashSet(StringComparer.Ordinal);
        soon.Soon(earning, earning: true);
        soon.Soon(batch.Select(a => a.MemberId).Where(m => !earning.Contains(m)).Distinct(StringComparer.Ordinal), earning: false);
    }
}

/// <summary>
/// Reports <see cref="ActivityKind.Visited"/> on a signed-in member's first request of the (UTC) day to this server: a lookup in a set
/// that is replaced when the day changes, so the cost per request is one hash lookup.
/// </summary>
public sealed class MemberVisits(IMemberActivity activity, TimeProvider clock)
{
    private (DateTime Day, ConcurrentDictionary<string, byte> Seen) _today = (default, new(StringComparer.Ordinal));

    public void Seen(string memberId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var today = _today;
        if (today.Day != now.Date)
        {
            today = (now.Date, new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
            _today = today;
        }
        if (today.Seen.TryAdd(memberId, 0)) activity.Report(memberId, ActivityKind.Visited, now);
    }
}

public static class MemberVisitsMiddleware
{
    /// <summary>After authentication: counts the signed-in member's visit (see <see cref="MemberVisits"/>).</summary>
    public static IApplicationBuilder UseMemberVisits(this IApplicationBuilder app)
    {
        var visits = app.ApplicationServices.GetRequiredService<MemberVisits>();
        return app.Use((http, next) =>
        {
            if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } id) visits.Seen(id);
            return next(http);
        });
    }
}

/// <summary>
/// The daily pass: recomputes every trust level and grants every badge missed (a lost report, the one-year anniversary). Runs on
/// the server holding the <c>recognition-daily</c> job lease, checked hourly; a pass already made today on this server is skipped.
/// </summary>
internal sealed partial class RecognitionDailyPass(JobLeases leases, RecognitionPass pass, TrustOptions options, TimeProvider clock,
    ILogger<RecognitionDailyPass> log) : BackgroundService
{
    public const string Job = "recognition-daily";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.DailyPass) return;
        DateTime lastDay = default;
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var today = clock.GetUtcNow().UtcDateTime.Date;
                if (today != lastDay && await leases.TryHoldAsync(Job, TimeSpan.FromHours(2), stoppingToken))
                {
                    try
                    {
                        await pass.RunAsync(stoppingToken);
                        lastDay = today;
                    }
                    catch (Exception e) when (e is not OperationCanceledException) { LogFailed(log, e); }
                }
                await Task.Delay(TimeSpan.FromHours(1), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The recognition daily pass failed (it runs again within the hour)")]
    private static partial void LogFailed(ILogger logger, Exception error);
}

/// <summary>One daily pass over every member (the background service runs it; tests and the bench call it directly).</summary>
public sealed class RecognitionPass(IServiceScopeFactory scopes)
{
    public async Task<(int LevelsChanged, int BadgesGranted)> RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var levels = await scope.ServiceProvider.GetRequiredService<TrustRecompute>().RecomputeAsync(null, ct);
        var badges = await scope.ServiceProvider.GetRequiredService<BadgeRules>().ApplyAsync(null, ct);
        return (levels, badges);
    }
}
