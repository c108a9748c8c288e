using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// The forums' part of "download my data" and "erase my account". Erasing empties the member's posts (their places in
/// threads stay, so sequence numbers remain gapless) and removes reactions, flags, watches, read marks and notifications.
/// </summary>
internal sealed class ForumMemberData(CommunityDb db, ForumReader reader, IForumSearch search, ILiveBus bus, MemberThreadStates states)
    : IMemberDataSection
{
    private List<long> _threads = [];

    public string Name => "forums";

    public async Task<object?> ExportAsync(string memberId, CancellationToken ct) => new
    {
        Posts = await (from p in db.Set<ForumPost>().AsNoTracking()
                       join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                       where p.AuthorId == memberId && !p.IsDeleted
                       orderby p.CreatedAt
                       select new { p.ThreadId, Thread = t.Title, p.Seq, p.Body, p.CreatedAt, p.EditedAt, p.IsHidden }).ToListAsync(ct),
        Reactions = await db.Set<PostReaction>().AsNoTracking().Where(r => r.MemberId == memberId).Select(r => new { r.PostId, r.Kind,
            r.CreatedAt }).ToListAsync(ct),
        Flags = await db.Set<PostFlag>().AsNoTracking().Where(f => f.MemberId == memberId).Select(f => new { f.PostId, f.Reason, f.CreatedAt })
            .ToListAsync(ct),
        Watching = await db.Set<ThreadWatch>().AsNoTracking().Where(w => w.MemberId == memberId).Select(w => w.ThreadId).ToListAsync(ct),
        Notifications = await db.Set<ForumNotification>().AsNoTracking().Where(n => n.MemberId == memberId)
            .Select(n => new { n.Kind, n.Text, n.Url, n.CreatedAt, n.ReadAt }).ToListAsync(ct),
    };

    public async Task EraseAsync(string memberId, CancellationToken ct)
    {
        var posts = await db.Set<ForumPost>().Where(p => p.AuthorId == memberId && !p.IsDeleted).Select(p => new { p.Id, p.ThreadId })
            .ToListAsync(ct);
        foreach (var post in posts) await search.RemoveAsync(db, post.Id, ct);
        await db.Set<ForumPost>().Where(p => p.AuthorId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.IsDeleted, true).SetProperty(p => p.Body, "").SetProperty(p => p.Html, ""), ct);
        // Derived copies follow: the summary of threads they opened (API, page description, og:description), and the
        // notifications their posts caused (which carry their name).
        await db.Set<ForumThread>().Where(t => db.Set<ForumPost>().Any(p => p.ThreadId == t.Id && p.Seq == 1 && p.AuthorId == memberId))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Summary, ""), ct);
        await db.Set<ForumNotification>()
            .Where(n => db.Set<ForumPost>().Any(p => p.AuthorId == memberId && p.ThreadId == n.ThreadId && p.Seq == n.Seq))
            .ExecuteDeleteAsync(ct);
        var postIds = posts.Select(p => p.Id).ToList();
        await db.Set<PostRevision>().Where(r => postIds.Contains(r.PostId) || r.EditorId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<PostReaction>().Where(r => r.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<PostFlag>().Where(f => f.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<ThreadWatch>().Where(w => w.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<ThreadRead>().Where(r => r.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<ForumNotification>().Where(n => n.MemberId == memberId).ExecuteDeleteAsync(ct);
        _threads = [.. posts.Select(p => p.ThreadId).Distinct()];
        states.Changed(memberId);
    }

    public async Task AfterEraseAsync(string memberId, CancellationToken ct)
    {
        if (_threads.Count == 0) return;
        foreach (var threadId in _threads) reader.ThreadChanged(threadId);
        await bus.PublishAsync(LiveGroups.Servers, ForumLiveAccess.Signal, new ForumAccessChanged(null, null, false, _threads), ct);
    }
}
