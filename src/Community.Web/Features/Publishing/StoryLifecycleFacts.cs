using Community.Web.Features.Accounts;
using Community.Web.Features.Lifecycle;

namespace Community.Web.Features.Publishing;

/// <summary>Lifecycle facts Publishing owns: the members a live story features (by their handle), from the in-memory catalog.</summary>
internal sealed class StoryLifecycleFacts(StoryCatalog catalog, IMemberDirectory members, TimeProvider clock) : IMemberFactSource
{
    public async Task AddFactsAsync(MemberFactSet facts, CancellationToken ct)
    {
        var snapshot = await catalog.GetAsync(ct);
        var handles = snapshot.Visible(clock.GetUtcNow().UtcDateTime).Select(s => s.FeaturedMember).OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (handles.Count == 0) return;
        foreach (var member in await members.FindByHandlesAsync(handles, ct))
        {
            if (facts.Only is null || facts.Only.Contains(member.Id)) facts[member.Id].Featured = true;
        }
    }
}
