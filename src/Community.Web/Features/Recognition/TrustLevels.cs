using System.Globalization;
using System.Text;
using Community.Web.Data;
using Community.Web.Features.Forums;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Recognition;

/// <summary>What other features ask of trust levels: the forums gate posting limits, links and flags on them.</summary>
public interface ITrustLevels
{
    TrustOptions Options { get; }

    /// <summary>The member's level as last computed (0 when never computed). One primary-key read: the database, so every server
    /// agrees at once without a cache to invalidate.</summary>
    Task<int> LevelOfAsync(string memberId, CancellationToken ct);
}

internal sealed class TrustLevelReader(CommunityDb db, TrustOptions options) : ITrustLevels
{
    public TrustOptions Options => options;

    public async Task<int> LevelOfAsync(string memberId, CancellationToken ct) =>
        await db.Set<MemberStanding>().AsNoTracking().Where(s => s.MemberId == memberId).Select(s => (int?)s.TrustLevel).FirstOrDefaultAsync(ct) ?? 0;
}

/// <summary>
/// Recomputes trust levels from committed activity: days visited (<see cref="MemberVisitDay"/>), and replies, posts read and flags
/// against from the forums (<see cref="IForumMemberFacts"/>). Set-based for any number of members: a few grouped queries, then one
/// multi-row upsert per 500 changed members, never a query per member. Idempotent, so the activity listener, the daily pass and
/// two servers may all run it at once.
/// </summary>
public sealed class TrustRecompute(CommunityDb db, IForumMemberFacts forum, TrustOptions options, TimeProvider clock)
{
    private const int Chunk = 500;

    /// <summary>Recomputes <paramref name="memberIds"/>, or every member when null; returns how many levels changed.</summary>
    public async Task<int> RecomputeAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct)
    {
        var facts = await forum.TrustFactsAsync(memberIds, ct);
        var visits = db.Set<MemberVisitDay>().AsNoTracking();
        var standings = db.Set<MemberStanding>().AsNoTracking();
        if (memberIds is not null)
        {
            visits = visits.Where(v => memberIds.Contains(v.MemberId));
            standings = standings.Where(s => memberIds.Contains(s.MemberId));
        }
        var days = await visits.GroupBy(v => v.MemberId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(r => r.Key, r => r.Count, StringComparer.Ordinal, ct);
        var current = await standings.ToDictionaryAsync(s => s.MemberId, s => s.TrustLevel, StringComparer.Ordinal, ct);
        var changed = new List<(string Member, int Level)>();
        foreach (var id in facts.Keys.Union(days.Keys).Union(current.Keys))
        {
            var f = facts.GetValueOrDefault(id) ?? new ForumTrustFacts(0, 0, 0);
            var level = options.LevelFor(days.GetValueOrDefault(id), f.PostsRead, f.Replies, f.FlagsAgainst);
            if (level != current.GetValueOrDefault(id)) changed.Add((id, level));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var chunk in changed.Chunk(Chunk)) await UpsertAsync(chunk, now, ct);
        return changed.Count;
    }

    private Task<int> UpsertAsync((string Member, int Level)[] rows, DateTime now, CancellationToken ct)
    {
        var sql = new StringBuilder("""INSERT INTO "MemberStandings" ("MemberId", "TrustLevel", "TrustChangedAt") VALUES """);
        var args = new List<object>(rows.Length * 2 + 1) { now };
        for (var i = 0; i < rows.Length; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(CultureInfo.InvariantCulture, $"({{{args.Count}}}, {{{args.Count + 1}}}, {{0}})");
            args.Add(rows[i].Member);
            args.Add(rows[i].Level);
        }
        sql.Append("""
             ON CONFLICT ("MemberId") DO UPDATE SET "TrustLevel" = EXCLUDED."TrustLevel", "TrustChangedAt" = EXCLUDED."TrustChangedAt"
            """);
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), args, ct);
    }
}
