using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record ReviewRequest(bool Approve, string? Reason);

/// <summary>POST /api/admin/referrals/review/{id}: approve (and grant everything the referral would have earned) or reject.</summary>
internal static class ReviewReferral
{
    public static void Map(RouteGroupBuilder admin) => admin.MapPost("/review/{id:long}", Handle);

    private static async Task<Results<Ok<ReviewItem>, ValidationProblem, ProblemHttpResult>> Handle(long id, ReviewRequest request,
        ClaimsPrincipal user, CommunityDb db, ReferralRewards rewards, Ledger ledger, Leaderboard leaderboard, TimeProvider clock,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("reason", request.Reason, 3, 500, "Reason");
        if (errors.Any) return errors.ToProblem();
        await using var tx = await db.BeginWriteAsync(ct);
        var referral = await db.Set<Referral>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (referral is null) return Problems.NotFound("No such referral.");
        if (referral.Decision is not (ReferralDecision.Review or ReferralDecision.Block))
            return Problems.Conflict("This referral has already been decided.");
        referral.Decision = request.Approve ? ReferralDecision.Allow : ReferralDecision.Rejected;
        referral.ReviewNote = request.Reason!.Trim();
        referral.ReviewedById = Advocates.MemberId(user);
        referral.ReviewedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        if (request.Approve) await rewards.ReplayAsync(referral, ct);
        await tx.CommitAsync(ct);
        leaderboard.Changed();
        await ledger.AnnounceAsync(rewards.Created, ct);
        return TypedResults.Ok(ReviewItem.Of(referral, null, null, null));
    }
}
