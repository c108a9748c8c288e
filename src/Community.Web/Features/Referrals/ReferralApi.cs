using System.Globalization;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>A referral as integrations see it: ids, product ids and outcome. Never the customer's email, device or IP hash.</summary>
public sealed record ApiReferral(long Id, string? AdvocateId, string? AdvocateExternalId, string? ReferredMemberId, string? CustomerExternalId,
    string Source, string Decision, bool IsTest, DateTime CreatedAt, DateTime? ConfirmedAt, DateTime? ConvertedAt);

/// <summary>GET /api/v1/referrals?after=&amp;limit= (API key with referrals:read), oldest first.</summary>
internal static class ReferralApi
{
    public const int MaxLimit = 500;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/referrals", List).WithTags("Integrations").RequireApiScope(ApiScopes.ReferralsRead);

    private static async Task<Results<Ok<ApiPage<ApiReferral>>, ValidationProblem>> List(long? after, int? limit, CommunityDb db,
        IMemberDirectory members, CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > MaxLimit) return new FieldErrors().Add("limit", $"Between 1 and {MaxLimit}.").ToProblem();
        var from = after ?? 0;
        var rows = await db.Set<Referral>().AsNoTracking().Where(r => r.Id > from).OrderBy(r => r.Id).Take(take + 1)
            .Select(r => new { r.Id, r.AdvocateId, r.ReferredMemberId, r.ExternalCustomerId, r.Source, r.Decision, r.IsTest, r.CreatedAt,
                r.ConfirmedAt, r.ConvertedAt })
            .ToListAsync(ct);
        var page = rows.Take(take).ToList();
        var advocates = await members.FindManyAsync(page.Where(r => r.AdvocateId != null).Select(r => r.AdvocateId!), ct);
        var items = page.ConvertAll(r => new ApiReferral(r.Id, r.AdvocateId,
            r.AdvocateId is { } a ? advocates.GetValueOrDefault(a)?.ExternalId : null,
            r.ReferredMemberId, r.ExternalCustomerId, r.Source, r.Decision.ToString().ToLowerInvariant(), r.IsTest, r.CreatedAt, r.ConfirmedAt,
            r.ConvertedAt));
        return TypedResults.Ok(new ApiPage<ApiReferral>(items, rows.Count > take ? items[^1].Id.ToString(CultureInfo.InvariantCulture) : null));
    }
}
