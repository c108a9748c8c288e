using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record ReviewItem(long Id, DateTime CreatedAt, string? Advocate, string? Referred, string? ReferredEmail, string Source, int Score,
    string Decision, IReadOnlyList<string> Reasons, IReadOnlyList<string> Explanations, bool Converted)
{
    public static ReviewItem Of(Referral r, string? advocate, string? referred, string? referredEmail)
    {
        var reasons = r.ReasonList();
        return new ReviewItem(r.Id, r.CreatedAt, advocate, referred, referredEmail, r.Source, r.FraudScore, r.Decision.ToString().ToLowerInvariant(),
            reasons, reasons.Select(Referrals.Reasons.ForAdmin).ToList(), r.ConvertedAt is not null);
    }
}

/// <summary>GET /api/admin/referrals/review?state=: referrals waiting for review (default), flagged, or blocked.</summary>
internal static class ReviewQueue
{
    public static void Map(RouteGroupBuilder admin) => admin.MapGet("/review", Handle);

    private static async Task<Ok<List<ReviewItem>>> Handle(string? state, CommunityDb db, IMemberDirectory members, CancellationToken ct)
    {
        var query = db.Set<Referral>().AsNoTracking();
        query = state switch
        {
            "flagged" => query.Where(r => r.Reasons != "" && !r.IsTest),
            "blocked" => query.Where(r => r.Decision == ReferralDecision.Block || r.Decision == ReferralDecision.Rejected),
            _ => query.Where(r => r.Decision == ReferralDecision.Review),
        };
        var rows = await query.OrderBy(r => r.Id).Take(200).ToListAsync(ct);
        var people = await members.FindManyAsync(rows.SelectMany(r => new[] { r.AdvocateId, r.ReferredMemberId }).OfType<string>(), ct);
        return TypedResults.Ok(rows.Select(r =>
        {
            var referred = r.ReferredMemberId is { } referredId ? people.GetValueOrDefault(referredId) : null;
            var advocate = r.AdvocateId is { } advocateId ? people.GetValueOrDefault(advocateId)?.DisplayName : null;
            return ReviewItem.Of(r, advocate, referred?.DisplayName, referred?.Email ?? r.CustomerEmail);
        }).ToList());
    }
}
