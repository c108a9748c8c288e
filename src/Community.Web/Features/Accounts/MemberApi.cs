using System.Text.Json;
using Community.Web.Data;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>A member as integrations see them: product identity and public profile. No email (the product matches members by
/// its own external id and already knows their addresses), never password, security stamp or IP data.</summary>
public sealed record ApiMember(string Id, string? ExternalId, string UserName, string DisplayName, string? AccountId, string? AccountName,
    string? Plan, IReadOnlyDictionary<string, string> Attributes, DateTime JoinedAt, DateTime? DeactivatedAt, string ProfileUrl);

/// <summary>One page, oldest first; pass <c>next</c> as <c>after</c> for the following page (null on the last one).</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, string? Next);

/// <summary>GET /api/v1/members?plan=&amp;account=&amp;after=&amp;limit= (API key with members:read).</summary>
internal static class MemberApi
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapMemberApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/members", List).WithTags("Integrations").RequireApiScope(ApiScopes.MembersRead);
        return app;
    }

    private static async Task<Results<Ok<ApiPage<ApiMember>>, ValidationProblem>> List(string? plan, string? account, string? after, int? limit,
        CommunityDb db, PublicUrls urls, CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > MaxLimit) return new FieldErrors().Add("limit", $"Between 1 and {MaxLimit}.").ToProblem();
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(plan)) query = query.Where(u => u.Plan == plan.Trim());
        if (!string.IsNullOrWhiteSpace(account)) query = query.Where(u => u.AccountId == account.Trim());
        if (!string.IsNullOrEmpty(after)) query = query.Where(u => string.Compare(u.Id, after) > 0);
        var rows = await query.OrderBy(u => u.Id).Take(take + 1)
            .Select(u => new { u.Id, u.ExternalId, u.UserName, u.DisplayName, u.AccountId, u.AccountName, u.Plan, u.ProductAttributes, u.JoinedAt,
                u.DeactivatedAt })
            .ToListAsync(ct);
        var items = rows.Take(take).Select(u => new ApiMember(u.Id, u.ExternalId, u.UserName!, u.DisplayName, u.AccountId, u.AccountName, u.Plan,
            Attributes(u.ProductAttributes), u.JoinedAt, u.DeactivatedAt, urls.Absolute("/u/" + Uri.EscapeDataString(u.UserName!)))).ToList();
        return TypedResults.Ok(new ApiPage<ApiMember>(items, rows.Count > take ? items[^1].Id : null));
    }

    private static Dictionary<string, string> Attributes(string? json)
    {
        if (string.IsNullOrEmpty(json)) return new Dictionary<string, string>();
        try { return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []; }
        catch (JsonException) { return new Dictionary<string, string>(); } // written by IExternalMembers only; never fail a listing on it
    }
}
