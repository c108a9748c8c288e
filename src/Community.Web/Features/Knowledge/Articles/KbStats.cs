using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Articles;

public sealed record KbStatsDto(int Published, int Drafts, int SuggestionsOpened, int Deflections);

/// <summary>GET /api/kb/stats: what staff see at the top of /kb/manage, the deflection count among it.</summary>
internal static class KbStats
{
    public static void Map(RouteGroupBuilder staff) => staff.MapGet("/stats", async (CommunityDb db, CancellationToken ct) =>
    {
        var published = await db.Set<KbArticle>().CountAsync(a => a.Status == KbStatus.Published, ct);
        var drafts = await db.Set<KbArticle>().CountAsync(a => a.Status != KbStatus.Published, ct);
        var opened = await db.Set<KbSuggestionOpening>().CountAsync(ct);
        var deflections = await db.Set<KbSuggestionOpening>().CountAsync(o => o.DeflectedAt != null, ct);
        return TypedResults.Ok(new KbStatsDto(published, drafts, opened, deflections));
    });
}
