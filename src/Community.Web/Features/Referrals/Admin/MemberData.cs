using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Referrals;

/// <summary>/api/admin/referrals/members/{userName}/export and …/erase (admins only): a member's referral data on request.</summary>
internal static class MemberData
{
    public static void Map(RouteGroupBuilder members)
    {
        members.MapGet("/{userName}/export", Export);
        members.MapPost("/{userName}/erase", Erase);
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> Export(string userName, IMemberDirectory members, IReferralPrivacy privacy,
        CancellationToken ct)
    {
        var id = await members.FindIdByHandleAsync(userName.Trim().TrimStart('@'), ct);
        return id is null ? Problems.NotFound("No such member.") : TypedResults.Ok(await privacy.ExportAsync(id, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Erase(string userName, IMemberDirectory members, IReferralPrivacy privacy,
        CancellationToken ct)
    {
        var id = await members.FindIdByHandleAsync(userName.Trim().TrimStart('@'), ct);
        if (id is null) return Problems.NotFound("No such member.");
        await privacy.EraseAsync(id, ct);
        return TypedResults.NoContent();
    }
}
