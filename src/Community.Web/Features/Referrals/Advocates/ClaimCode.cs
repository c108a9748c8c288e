using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record ClaimRequest(string? Code);
public sealed record ClaimResult(long ReferralId, string Status, IReadOnlyList<string> Explanations);

/// <summary>POST /api/referrals/claim: a member who joined without the code (another device, say) links it within a few days.</summary>
internal static class ClaimCode
{
    public static void Map(RouteGroupBuilder me) => me.MapPost("/claim", Handle);

    private static async Task<Results<Ok<ClaimResult>, ValidationProblem, ProblemHttpResult>> Handle(ClaimRequest request, ClaimsPrincipal user,
        HttpContext http, CommunityDb db, IMemberDirectory members, CodeDirectory codes, ReferralAttribution attribution, Ledger ledger,
        Leaderboard leaderboard, ReferralOptions options, TimeProvider clock, CancellationToken ct)
    {
        var id = Advocates.MemberId(user);
        var member = (await members.FindAsync(id, ct))!;
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - member.JoinedAt > TimeSpan.FromDays(options.ClaimDays))
            return Problems.Conflict($"Codes can be claimed within {options.ClaimDays} days of joining.");
        if (await db.Set<Referral>().AnyAsync(r => r.ReferredMemberId == id, ct))
            return Problems.Conflict("Your account is already linked to a referral.");
        var code = await codes.FindAsync(request.Code, ct);
        if (code is null) return new FieldErrors().Add("code", "We don't recognise this code. Check it with the person who invited you.").ToProblem();
        if (code.Unusable(now) is not null) return new FieldErrors().Add("code", "This code is no longer active.").ToProblem();

        await using var tx = await db.BeginWriteAsync(ct);
        ReferralRewards? rewards;
        try { rewards = await attribution.AttributeAsync(code, ReferralSources.Claim, id, member.Email, http, null, ct); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Problems.Conflict("Your account is already linked to a referral.");
        }
        if (rewards is null) return new FieldErrors().Add("code", "This code is no longer active.").ToProblem();
        await tx.CommitAsync(ct);
        leaderboard.Changed();
        await ledger.AnnounceAsync(rewards.Created, ct);
        var referral = await db.Set<Referral>().AsNoTracking().FirstAsync(r => r.ReferredMemberId == id, ct);
        var view = ShowDashboard.View(referral, null);
        return TypedResults.Ok(new ClaimResult(referral.Id, view.Status, view.Explanations));
    }
}
