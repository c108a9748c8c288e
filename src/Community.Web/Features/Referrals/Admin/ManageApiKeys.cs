using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>A new key; without scopes it may post referral events only, as keys always could.</summary>
public sealed record CreateKeyRequest(string? Name, IReadOnlyList<string>? Scopes = null);

/// <summary>/api/admin/referrals/keys (admins only): list, create and revoke the events API keys.</summary>
internal static class ManageApiKeys
{
    public static void Map(RouteGroupBuilder keys)
    {
        keys.MapGet("/", List);
        keys.MapPost("/", Create);
        keys.MapDelete("/{id}", Revoke);
    }

    private static async Task<Ok<List<ApiKeyView>>> List(CommunityDb db, CancellationToken ct)
    {
        var rows = await db.Set<ReferralApiKey>().AsNoTracking().OrderByDescending(k => k.CreatedAt)
            .Select(k => new { k.Id, k.Name, k.CreatedAt, k.RevokedAt, k.Scopes, k.LastUsedAt }).ToListAsync(ct);
        return TypedResults.Ok(rows.ConvertAll(k => new ApiKeyView(k.Id, k.Name, k.CreatedAt, k.RevokedAt)
        {
            Scopes = ApiKeys.ScopeList(k.Scopes), LastUsedAt = k.LastUsedAt,
        }));
    }

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> Create(CreateKeyRequest request, CommunityDb db, ApiKeys keys,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("name", request.Name, 2, 80, "Name");
        var scopes = request.Scopes is { Count: > 0 } s ? s : [ApiScopes.EventsWrite];
        if (scopes.Count > ApiScopes.All.Count || scopes.Any(x => !ApiScopes.All.Contains(x)))
            errors.Add("scopes", "Choose scopes from: " + string.Join(", ", ApiScopes.All) + ".");
        if (errors.Any) return errors.ToProblem();
        var created = await keys.CreateAsync(db, request.Name!.Trim(), scopes, ct);
        return TypedResults.Created($"/api/admin/referrals/keys/{created.Id}", created);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(string id, CommunityDb db, ApiKeys keys, TimeProvider clock,
        CancellationToken ct)
    {
        var key = await db.Set<ReferralApiKey>().FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return Problems.NotFound("No such API key.");
        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        keys.Forget(id); // on every server, within milliseconds
        return TypedResults.NoContent();
    }
}
