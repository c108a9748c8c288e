using Community.Web.Data;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals.Insights;

/// <summary>
/// The referral funnel per day and campaign (the code's campaign tag, "" for none): clicks on the day they happened; sign-ups on
/// the day they were confirmed (the day that counts in the funnel); and, for the sign-ups of that day (its cohort), how many have
/// converted and the credits granted for them so far. Test referrals and blocked or rejected ones are left out.
/// </summary>
internal sealed class ReferralRollup(CommunityDb db) : IInsightRollup
{
    public const string Clicks = "referral.clicks", SignUps = "referral.signups", Conversions = "referral.conversions";
    public const string Credits = "referral.credits";

    private IQueryable<Referral> Counted => db.Set<Referral>().AsNoTracking()
        .Where(r => !r.IsTest && r.ConfirmedAt != null && r.Decision != ReferralDecision.Block && r.Decision != ReferralDecision.Rejected);

    private IReadOnlyList<RawFeed>? _feeds;

    public IReadOnlyList<RawFeed> Feeds => _feeds ??= BuildFeeds();

    private IReadOnlyList<RawFeed> BuildFeeds() =>
    [
        new("referral.clicks", async ct => await db.Set<ReferralClick>().MaxAsync(c => (long?)c.Id, ct) ?? 0,
            async (after, upTo, ct) => Days(await db.Set<ReferralClick>().Where(c => c.Id > after && c.Id <= upTo).Select(c => c.At)
                .ToListAsync(ct))),
        // Confirmation and conversion change a referral without a new row: their newest time stands in for an id.
        new("referral.confirmed", async ct => (await db.Set<Referral>().MaxAsync(r => r.ConfirmedAt, ct))?.Ticks ?? 0,
            async (after, upTo, ct) => Days(await db.Set<Referral>().Where(r => r.ConfirmedAt > InsightDays.Since(after)
                && r.ConfirmedAt <= InsightDays.Until(upTo)).Select(r => r.ConfirmedAt!.Value).ToListAsync(ct))),
        new("referral.converted", async ct => (await db.Set<Referral>().MaxAsync(r => r.ConvertedAt, ct))?.Ticks ?? 0,
            async (after, upTo, ct) => Days(await db.Set<Referral>().Where(r => r.ConfirmedAt != null
                && r.ConvertedAt > InsightDays.Since(after) && r.ConvertedAt <= InsightDays.Until(upTo)).Select(r => r.ConfirmedAt!.Value)
                .ToListAsync(ct))),
        new("referral.grants", async ct => await db.Set<RewardGrant>().MaxAsync(g => (long?)g.Id, ct) ?? 0,
            async (after, upTo, ct) => Days(await (from g in db.Set<RewardGrant>().Where(g => g.Id > after && g.Id <= upTo)
                                                   join r in db.Set<Referral>() on g.ReferralId equals r.Id
                                                   where r.ConfirmedAt != null
                                                   select r.ConfirmedAt!.Value).ToListAsync(ct))),
    ];

    private static HashSet<DateOnly> Days(List<DateTime> times) => times.Select(InsightDays.Of).ToHashSet();

    public async Task<DateOnly?> FirstDayAsync(CancellationToken ct)
    {
        var click = await db.Set<ReferralClick>().MinAsync(c => (DateTime?)c.At, ct);
        var signUp = await db.Set<Referral>().MinAsync(r => r.ConfirmedAt, ct);
        DateTime?[] all = [click, signUp];
        return all.Where(a => a is not null).Min() is { } at ? InsightDays.Of(at) : null;
    }

    public async Task<DayContribution> ComputeDayAsync(DateOnly day, CancellationToken ct)
    {
        var (start, end) = (InsightDays.Start(day), InsightDays.Start(day.AddDays(1)));
        var clicks = await (from c in db.Set<ReferralClick>().AsNoTracking().Where(c => c.At >= start && c.At < end)
                            join code in db.Set<ReferralCode>() on c.CodeId equals code.Id
                            group c by code.CampaignTag into g
                            select new { Campaign = g.Key, Count = (long)g.Count() }).ToListAsync(ct);
        var cohort = await (from r in Counted.Where(r => r.ConfirmedAt >= start && r.ConfirmedAt < end)
                            join code in db.Set<ReferralCode>() on r.CodeId equals code.Id
                            group r by code.CampaignTag into g
                            select new { Campaign = g.Key, SignUps = (long)g.Count(), Converted = (long)g.Count(r => r.ConvertedAt != null) })
            .ToListAsync(ct);
        var credits = await (from g in db.Set<RewardGrant>().AsNoTracking()
                             join r in Counted.Where(r => r.ConfirmedAt >= start && r.ConfirmedAt < end) on g.ReferralId equals r.Id
                             join code in db.Set<ReferralCode>() on r.CodeId equals code.Id
                             where g.Outcome == GrantOutcomes.Granted || g.Outcome == GrantOutcomes.Capped
                             group g by code.CampaignTag into x
                             select new { Campaign = x.Key, Amount = x.Sum(g => g.Amount) }).ToListAsync(ct);
        List<DayFigure> figures =
        [
            .. clicks.Select(c => new DayFigure(Clicks, c.Campaign ?? "", c.Count)),
            .. cohort.Select(c => new DayFigure(SignUps, c.Campaign ?? "", c.SignUps)),
            .. cohort.Select(c => new DayFigure(Conversions, c.Campaign ?? "", c.Converted)),
            .. credits.Select(c => new DayFigure(Credits, c.Campaign ?? "", c.Amount)),
        ];
        // Campaign tags may repeat with different case or null/"": sum them into one figure per key.
        return new DayContribution(figures.GroupBy(f => (f.Metric, f.Dimension)).Select(g => new DayFigure(g.Key.Metric, g.Key.Dimension,
            g.Sum(f => f.Value))).ToList(), []);
    }
}
