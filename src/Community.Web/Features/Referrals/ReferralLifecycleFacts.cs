using Community.Web.Data;
using Community.Web.Features.Lifecycle;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>Lifecycle facts the referral program owns: sign-ups each member referred (allowed, not tests), the latest of which counts
/// as activity.</summary>
internal sealed class ReferralLifecycleFacts(CommunityDb db) : IMemberFactSource
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
    }
}
