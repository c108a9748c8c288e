using Community.Web.Features.Accounts;
using Community.Web.Features.Recognition;

namespace Community.Web.Features.Publishing;

/// <summary>The members live stories feature (stories name them by handle), for the Spotlighted badge; read from the in-memory
/// catalog, so asking costs no query unless a story features someone.</summary>
internal sealed class StoryFeaturedMembers(StoryCatalog catalog, IMemberDirectory members, TimeProvider clock) : IFeaturedMembers
{
    public async Task<IReadOnlyList<string>> FeaturedAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct)
    {
        var snapshot = await catalog.GetAsync(ct);
        var handles = snapshot.Visible(clock.GetUtcNow().UtcDateTime).Select(s => s.FeaturedMember).OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (handles.Count == 0) return [];
        return [.. (await members.FindByHandlesAsync(handles, ct)).Select(m => m.Id).Where(id => memberIds is null || memberIds.Contains(id))];
    }
}
