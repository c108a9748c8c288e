using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>Public member profiles and the handle lookup used by @mention autocomplete.</summary>
internal static class MemberEndpoints
{
    public static void MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api/members").WithTags("Members");
        members.MapGet("/{userName}", GetProfile);
        members.MapGet("/", Lookup);
    }

    private static async Task<Results<Ok<PublicProfile>, ProblemHttpResult>> GetProfile(string userName, UserManager<Member> users)
    {
        var member = await users.FindByNameAsync(userName);
        if (member is null) return Problems.NotFound("No member has that username.");
        return TypedResults.Ok(member.ToPublic(await users.GetRolesAsync(member)));
    }

    /// <summary>GET /api/members?prefix=an — up to 8 members whose handle or display name starts with the prefix.</summary>
    private static async Task<Results<Ok<List<MemberSummary>>, ValidationProblem>> Lookup(
        string? prefix, UserManager<Member> users, CancellationToken ct)
    {
        var p = prefix?.Trim().TrimStart('@') ?? "";
        if (p.Length is 0 or > MemberRules.DisplayNameMax) return new FieldErrors().Add("prefix", "Give 1–48 characters to look up.").ToProblem();
        var upper = p.ToUpperInvariant();
        var found = await users.Users
            .Where(m => m.NormalizedUserName!.StartsWith(upper) || m.DisplayName.ToUpper().StartsWith(upper))
            .OrderBy(m => m.UserName).Take(8)
            .Select(m => new MemberSummary(m.UserName!, m.DisplayName, m.AvatarUrl))
            .ToListAsync(ct);
        return TypedResults.Ok(found);
    }
}
