using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>What other features (recognition) may know of a member's referrals, without reading the referral tables.</summary>
public interface IReferralMemberFacts
{
    /// <summary>Those of <paramref name="memberIds"/> (or everyone, when null) who referred at least one customer that converted
    /// (allowed, not a test).</summary>
    Task<HashSet<string>> WithConversionsAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct);
}

internal sealed class ReferralMemberFacts(CommunityDb db) : IReferralMemberFacts
{
    public async Task<HashSet<string>> WithConversionsAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct)
    {
        var converted = db.Set<Referral>().AsNoTracking()
            .Where(r => r.AdvocateId != null && r.ConvertedAt != null && r.Decision == ReferralDecision.Allow && !r.IsTest);
        if (memberIds is not null) converted = converted.Where(r => memberIds.Contains(r.AdvocateId!));
        return (await converted.Select(r => r.AdvocateId!).Distinct().ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
    }
}
