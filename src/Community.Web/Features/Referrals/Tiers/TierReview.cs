using System.Globalization;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>
/// Moves advocates down when paying customers age out of the 12-month window (moves up happen with the conversion that causes
/// them, in <see cref="RewardRules"/>). Run by the hourly referral job on one server; each move down is an
/// <see cref="AdvocateTierChange"/> keyed by the day, so a rerun the same day (or a second server) records nothing twice, and the
/// member hears of it like a move up (<see cref="TierNotifications"/>).
/// </summary>
public sealed class TierReview(CommunityDb db, ProgramStore programs, TimeProvider clock)
{
    public const string SourcePrefix = "tier-review:";

    /// <summary>Records today's moves down; returns how many.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var rules = AdvocateTiers.Rules(await programs.GetAsync(ct));
        var now = clock.GetUtcNow().UtcDateTime;
        // The tier each advocate was last told about (a small table: one row per move).
        var last = (await db.Set<AdvocateTierChange>().AsNoTracking().Select(c => new { c.MemberId, c.ToTier, c.At, c.Id }).ToListAsync(ct))
            .GroupBy(c => c.MemberId).Select(g => g.MaxBy(c => (c.At, c.Id))!).Where(c => c.ToTier.Length > 0).ToList();
        if (last.Count == 0) return 0;
        var since = now.AddMonths(-AdvocateTiers.WindowMonths);
        var members = last.Select(c => c.MemberId).ToList();
        var counts = await db.Set<Referral>().AsNoTracking()
            .Where(r => r.AdvocateId != null && members.Contains(r.AdvocateId) && r.ConvertedAt >= since && r.Decision == ReferralDecision.Allow
                && !r.IsTest)
            .GroupBy(r => r.AdvocateId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var source = SourcePrefix + now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var moved = 0;
        foreach (var told in last)
        {
            var current = AdvocateTiers.TierFor(counts.GetValueOrDefault(told.MemberId), rules);
            if (Rank(current?.Name) >= Rank(told.ToTier)) continue;
            db.Add(new AdvocateTierChange
            {
                MemberId = told.MemberId, FromTier = told.ToTier, ToTier = current?.Name ?? "", Percent = current?.Percent ?? 100,
                SourceEventId = source, At = now,
            });
            try
            {
                await db.SaveChangesAsync(ct);
                moved++;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                db.ChangeTracker.Clear(); // recorded today already (another server, or an earlier pass)
            }
        }
        return moved;
    }

    /// <summary>0 below Bronze, then Bronze, Silver, Gold.</summary>
    public static int Rank(string? tier) => tier switch
    {
        AdvocateTiers.Bronze => 1,
        AdvocateTiers.Silver => 2,
        AdvocateTiers.Gold => 3,
        _ => 0,
    };
}
