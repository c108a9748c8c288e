using Community.Web.Data;
using Community.Web.Features.Lifecycle;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>Lifecycle facts Accounts owns: who is a member, since when, and the product's id for them (webhooks match on it).</summary>
internal sealed class AccountLifecycleFacts(CommunityDb db) : IMemberFactSource
{
    public async Task AddFactsAsync(MemberFactSet facts, CancellationToken ct)
    {
        var members = db.Users.AsNoTracking();
        if (facts.Only is { } only) members = members.Where(m => only.Contains(m.Id));
        await foreach (var m in members.Select(m => new { m.Id, m.JoinedAt, m.ExternalId }).AsAsyncEnumerable().WithCancellation(ct))
        {
            var f = facts[m.Id];
            f.JoinedAt = m.JoinedAt;
            f.ExternalId = m.ExternalId;
        }
    }
}
