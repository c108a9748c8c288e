using System.Text.Json;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts.Product;

/// <summary>The product's view of a member. <c>emailVerified</c> defaults to false: only a verified email may link an existing
/// account or create a confirmed one.</summary>
public sealed record MemberSyncRequest(string? Email, bool? EmailVerified, string? UserName, string? Name, string? AvatarUrl, string? AccountId,
    string? AccountName, string? Plan, IReadOnlyList<string>? Groups, Dictionary<string, string>? Custom);

public sealed record MemberPlanRequest(string? Plan, string? AccountId, string? AccountName);

public sealed record ExternalMemberDto(string ExternalId, string MemberId, string UserName, string DisplayName, string? Email, bool EmailConfirmed,
    string? AccountId, string? AccountName, string? Plan, IReadOnlyDictionary<string, string> Custom, DateTime? DeactivatedAt);

/// <summary>
/// Server-to-server member sync (API key with members:write; reads with members:read): upsert by the product's user id,
/// change plan, deactivate. Same rules as sign-in, through <see cref="IExternalMembers"/>.
/// </summary>
public static class MemberSyncEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapMemberSync(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/members/external/{externalId}").WithTags("Members")
            .WithMetadata(new SkipCsrfAttribute(), new BodyLimitAttribute(MaxBodyBytes));
        group.MapPut("", PutAsync).RequireApiScope(ApiScopes.MembersWrite);
        group.MapPatch("", PatchAsync).RequireApiScope(ApiScopes.MembersWrite);
        group.MapPost("/deactivate", DeactivateAsync).RequireApiScope(ApiScopes.MembersWrite);
        group.MapGet("", GetAsync).RequireApiScope(ApiScopes.MembersRead);
        return app;
    }

    private static async Task<Results<Created<ExternalMemberDto>, Ok<ExternalMemberDto>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string externalId, MemberSyncRequest request, IExternalMembers members, CommunityDb db, CancellationToken ct)
    {
        var profile = new ProductProfile(externalId, request.Email, request.EmailVerified ?? false, request.UserName, request.Name,
            request.AvatarUrl, request.AccountId, request.AccountName, request.Plan, request.Groups, request.Custom);
        var errors = ProductProfileRules.Check(profile);
        if (errors.Any) return errors.ToProblem();
        var result = await members.UpsertAsync(profile, ProductSource.Sync, ct);
        if (result.Error is not null || result.MemberId is null) return Problems.Conflict(result.Error ?? "The member could not be matched.");
        var dto = (await FindAsync(db, externalId.Trim(), ct))!;
        return result.Outcome == UpsertOutcome.Created
            ? TypedResults.Created("/api/members/external/" + Uri.EscapeDataString(dto.ExternalId), dto)
            : TypedResults.Ok(dto);
    }

    private static async Task<Results<Ok<ExternalMemberDto>, ValidationProblem, ProblemHttpResult>> PatchAsync(
        string externalId, MemberPlanRequest request, IExternalMembers members, CommunityDb db, CancellationToken ct)
    {
        var profile = new ProductProfile(externalId, null, false, AccountId: request.AccountId, AccountName: request.AccountName,
            Plan: request.Plan);
        var errors = ProductProfileRules.Check(profile);
        if (request.Plan is null && request.AccountId is null && request.AccountName is null)
            errors.Add("plan", "Send a plan, accountId or accountName to change.");
        if (errors.Any) return errors.ToProblem();
        if (await FindAsync(db, externalId.Trim(), ct) is null) return Problems.NotFound("No member has this external id.");
        var result = await members.UpsertAsync(profile, ProductSource.Sync, ct);
        if (result.Error is not null) return Problems.Conflict(result.Error);
        return TypedResults.Ok((await FindAsync(db, externalId.Trim(), ct))!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAsync(string externalId, IExternalMembers members,
        CancellationToken ct) =>
        await members.DeactivateAsync(externalId.Trim(), ct) ? TypedResults.NoContent() : Problems.NotFound("No member has this external id.");

    private static async Task<Results<Ok<ExternalMemberDto>, ProblemHttpResult>> GetAsync(string externalId, CommunityDb db, CancellationToken ct) =>
        await FindAsync(db, externalId.Trim(), ct) is { } dto ? TypedResults.Ok(dto) : Problems.NotFound("No member has this external id.");

    private static async Task<ExternalMemberDto?> FindAsync(CommunityDb db, string externalId, CancellationToken ct)
    {
        var m = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.ExternalId == externalId, ct);
        if (m is null) return null;
        var custom = m.ProductAttributes is null ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(m.ProductAttributes) ?? [];
        return new ExternalMemberDto(m.ExternalId!, m.Id, m.UserName!, m.DisplayName, m.Email, m.EmailConfirmed, m.AccountId, m.AccountName, m.Plan,
            custom, m.DeactivatedAt);
    }
}
