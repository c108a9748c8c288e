using Community.Web.Data;
using Community.Web.Features.Insights;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts.Insights;

/// <summary>Members' product segments for the insights filters (written by SSO and member sync).</summary>
internal sealed class MemberSegments(CommunityDb db) : IInsightSegments
{
    public async Task<IReadOnlyList<string>> PlansAsync(CancellationToken ct) =>
        await db.Users.AsNoTracking().Where(u => u.Plan != null && u.Plan != "").Select(u => u.Plan!).Distinct().OrderBy(p => p).Take(200)
            .ToListAsync(ct);

    public async Task<IReadOnlyDictionary<string, string>> PlanOfMembersAsync(CancellationToken ct) =>
        await db.Users.AsNoTracking().Where(u => u.Plan != null && u.Plan != "").Select(u => new { u.Id, u.Plan })
            .ToDictionaryAsync(u => u.Id, u => u.Plan!, StringComparer.Ordinal, ct);

    public IQueryable<string> MemberIds(string? plan, string? account)
    {
        var members = db.Users.AsNoTracking();
        if (plan is not null) members = members.Where(u => u.Plan == plan);
        if (account is not null) members = members.Where(u => u.AccountId == account);
        return members.Select(u => u.Id);
    }
}

/// <summary>New members per day, split by plan ("" for none), from the members' join dates.</summary>
internal sealed class MemberRollup(CommunityDb db) : IInsightRollup
{
    public const string Joined = "members.joined";

    // Member ids are not ordered, so new members are found by the last join date folded; the overlap in ids is a date here.
    public IReadOnlyList<RawFeed> Feeds { get; } =
    [
        new("members", async ct => (await db.Users.MaxAsync(u => (DateTime?)u.JoinedAt, ct))?.Ticks ?? 0,
            async (after, upTo, ct) => (await db.Users.Where(u => u.JoinedAt > InsightDays.Since(after)
                && u.JoinedAt <= InsightDays.Until(upTo)).Select(u => u.JoinedAt).ToListAsync(ct))
                .Select(InsightDays.Of).Distinct().ToList()),
    ];

    public async Task<DateOnly?> FirstDayAsync(CancellationToken ct) =>
        await db.Users.MinAsync(u => (DateTime?)u.JoinedAt, ct) is { } at ? InsightDays.Of(at) : null;

    public async Task<DayContribution> ComputeDayAsync(DateOnly day, CancellationToken ct)
    {
        var (start, end) = (InsightDays.Start(day), InsightDays.Start(day.AddDays(1)));
        var byPlan = await db.Users.AsNoTracking().Where(u => u.JoinedAt >= start && u.JoinedAt < end).GroupBy(u => u.Plan)
            .Select(g => new { Plan = g.Key, Count = g.Count() }).ToListAsync(ct);
        return new DayContribution(byPlan.GroupBy(p => p.Plan ?? "").Select(g => new DayFigure(Joined, g.Key, g.Sum(p => p.Count))).ToList(), []);
    }
}

/// <summary>New members over the period (a plan narrows the stored figures; an account counts its members' join dates).</summary>
internal sealed class NewMembersInsight(CommunityDb db, InsightFigures figures) : IInsightSource
{
    public string Key => "new-members";
    public string Title => "New members";
    public int Order => 10;

    public async Task<InsightChart> ComputeAsync(InsightQuery query, CancellationToken ct)
    {
        var now = await DailyAsync(query, query.From, query.To, ct);
        var before = await DailyAsync(query, query.PreviousFrom, query.PreviousTo, ct);
        var (total, previous) = (now.Values.Sum(), before.Values.Sum());
        var summary = $"{InsightShapes.Number(total)} new member{(total == 1 ? "" : "s")}, {InsightShapes.Change(total, previous, query.Days)}.";
        return new InsightChart(Key, Title, "members", summary, [InsightShapes.Daily("New members", query.From, query.To, now)],
            [InsightShapes.Daily("New members", query.PreviousFrom, query.PreviousTo, before)],
            new Dictionary<string, double> { ["new"] = total }, new Dictionary<string, double> { ["new"] = previous });
    }

    private async Task<Dictionary<DateOnly, long>> DailyAsync(InsightQuery query, DateOnly from, DateOnly to, CancellationToken ct)
    {
        if (query.Account is null) return (await figures.DailyAsync([MemberRollup.Joined], query.Plan, from, to, ct))[MemberRollup.Joined];
        var (start, end) = (InsightDays.Start(from), InsightDays.Start(to.AddDays(1)));
        var members = db.Users.AsNoTracking().Where(u => u.AccountId == query.Account && u.JoinedAt >= start && u.JoinedAt < end);
        if (query.Plan is not null) members = members.Where(u => u.Plan == query.Plan);
        return (await members.Select(u => u.JoinedAt).ToListAsync(ct)).GroupBy(InsightDays.Of).ToDictionary(g => g.Key, g => (long)g.Count());
    }
}
