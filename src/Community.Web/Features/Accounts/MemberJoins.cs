using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts;

/// <summary>When members joined, for features that reward membership time (the one-year badge), without reading the Identity table.</summary>
public interface IMemberJoins
{
    /// <summary>The ids of members who joined at or before <paramref name="at"/> (optionally only among <paramref name="memberIds"/>).</summary>
    Task<List<string>> JoinedByAsync(DateTime at, IReadOnlyCollection<string>? memberIds, CancellationToken ct);
}

internal sealed class MemberJoins(CommunityDb db) : IMemberJoins
{
    public Task<List<string>> JoinedByAsync(DateTime at, IReadOnlyCollection<string>? memberIds, CancellationToken ct)
    {
        var members = db.Users.AsNoTracking().Where(u => u.JoinedAt <= at);
        if (memberIds is not null) members = members.Where(u => memberIds.Contains(u.Id));
        return members.Select(u => u.Id).ToListAsync(ct);
    }
}
