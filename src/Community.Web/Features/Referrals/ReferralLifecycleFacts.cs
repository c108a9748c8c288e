using Community.Web.Data;
using Community.Web.Features.Lifecycle;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>Lifecycle facts the referral program owns: sign-ups each member referred (allowed, not tests), the latest of which counts
/// as activity, and who is in the top advocate tier.</summary>
internal sealed class ReferralLifecycleFacts(CommunityDb db, ProgramStore programs, AdvocateTiers tiers) : IMemberFactSource
{
    public async Task AddFactsAsync(MemberFactSet facts, CancellationToken ct)
    {
        var referrals = db.Set<Referral>().AsNoTracking()
            .Where(r => r.AdvocateId != null && r.Decision == ReferralDecision.Allow && !r.IsTest && r.ReferredMemberId != null);
        if (facts.Only is { } only) referrals = referrals.Where(r => only.Contains(r.AdvocateId!));
        var rows = await referrals.GroupBy(r => r.AdvocateId!)
            .Select(g => new { g.Key, Count = g.Count(), Last = g.Max(r => r.CreatedAt) }).ToListAsync(ct);
        foreach (var row in rows)
        {
            facts[row.Key].ReferredSignUps = row.Count;
            facts.Active(row.Key, row.Last);
        }

        // Champions include advocates in the top tier: paying customers in the tier window, grouped once.
        var top = AdvocateTiers.Rules(await programs.GetAsync(ct)).Where(r => r.Conversions > 0).MaxBy(r => r.Conversions);
        if (top is null) return;
        var since = tiers.WindowStart;
        var converted = db.Set<Referral>().AsNoTracking()
            .Where(r => r.AdvocateId != null && r.ConvertedAt >= since && r.Decision == ReferralDecision.Allow && !r.IsTest);
        if (facts.Only is { } some) converted = converted.Where(r => some.Contains(r.AdvocateId!));
        var counts = await converted.GroupBy(r => r.AdvocateId!).Select(g => new { g.Key, Count = g.Count() })
            .Where(g => g.Count >= top.Conversions).ToListAsync(ct);
        foreach (var row in counts) facts[row.Key].TopTier = top.Name;
    }
}
