using Community.Web.Data;
using Community.Web.Features.Lifecycle;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>Lifecycle facts the forums own: each member's latest post, reaction and idea vote, and their accepted answers. One grouped
/// query each, over all members or the few asked about.</summary>
internal sealed class ForumLifecycleFacts(CommunityDb db) : IMemberFactSource
{
    public async Task AddFactsAsync(MemberFactSet facts, CancellationToken ct)
    {
        var only = facts.Only;
        var posts = db.Set<ForumPost>().AsNoTracking().Where(p => !p.IsDeleted);
        if (only is not null) posts = posts.Where(p => only.Contains(p.AuthorId));
        foreach (var row in await posts.GroupBy(p => p.AuthorId).Select(g => new { g.Key, At = g.Max(p => p.CreatedAt) }).ToListAsync(ct))
            facts.Active(row.Key, row.At);

        var reactions = db.Set<PostReaction>().AsNoTracking();
        if (only is not null) reactions = reactions.Where(r => only.Contains(r.MemberId));
        foreach (var row in await reactions.GroupBy(r => r.MemberId).Select(g => new { g.Key, At = g.Max(r => r.CreatedAt) }).ToListAsync(ct))
            facts.Active(row.Key, row.At);

        var votes = db.Set<IdeaVote>().AsNoTracking();
        if (only is not null) votes = votes.Where(v => only.Contains(v.MemberId));
        foreach (var row in await votes.GroupBy(v => v.MemberId).Select(g => new { g.Key, At = g.Max(v => v.CreatedAt) }).ToListAsync(ct))
            facts.Active(row.Key, row.At);

        var answers = from t in db.Set<ForumThread>().AsNoTracking()
                      where t.AcceptedSeq != null && !t.IsDeleted
                      join p in db.Set<ForumPost>().AsNoTracking() on new { t.Id, Seq = t.AcceptedSeq!.Value } equals new { Id = p.ThreadId, p.Seq }
                      where !p.IsDeleted
                      select p.AuthorId;
        if (only is not null) answers = answers.Where(a => only.Contains(a));
        foreach (var row in await answers.GroupBy(a => a).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
            facts[row.Key].AcceptedAnswers = row.Count;
    }
}
