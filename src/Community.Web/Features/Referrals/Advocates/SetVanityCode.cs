using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record VanityRequest(string? Code);

/// <summary>PUT /api/referrals/me/vanity: a memorable code of the advocate's choosing, next to the personal one.</summary>
internal static class SetVanityCode
{
    public static void Map(RouteGroupBuilder me) => me.MapPut("/me/vanity", Handle);

    private static async Task<Results<Ok<AdvocateCode>, ValidationProblem, ProblemHttpResult>> Handle(VanityRequest request, ClaimsPrincipal user,
        CommunityDb db, CodeDirectory directory, PublicUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var code = Codes.Normalise(request.Code);
        if (Codes.VanityProblem(code) is { } problem) return new FieldErrors().Add("code", problem).ToProblem();
        var id = Advocates.MemberId(user);
        await Advocates.PersonalCodeAsync(db, id, clock, ct);
        var taken = await db.Set<ReferralCode>().AnyAsync(c => c.Code == code && c.OwnerId != id, ct);
        if (taken) return Conflict();
        var vanity = await db.Set<ReferralCode>().FirstOrDefaultAsync(c => c.OwnerId == id && c.Kind == CodeKind.Vanity, ct);
        var previous = vanity?.Code;
        if (vanity is null) db.Add(new ReferralCode { Code = code, OwnerId = id, Kind = CodeKind.Vanity, CreatedAt = clock.GetUtcNow().UtcDateTime });
        else vanity.Code = code;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex)) { return Conflict(); }
        // After the commit: a server that reloaded the old code in between must not keep it.
        if (previous is not null && previous != code) directory.Invalidate(previous);
        directory.Invalidate(code);
        return TypedResults.Ok(new AdvocateCode(code, "vanity", Advocates.Link(urls.Base, code)));

        static ProblemHttpResult Conflict() => Problems.Conflict("That code is already taken. Try another one.",
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["code"] = ["That code is already taken."] } });
    }
}
