using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// The steps idea use cases share: finding an idea the caller may read, making its row, the locks that keep votes, budgets
/// and merges exact on several servers, the state of a member's votes, and what follows a commit (caches, live counts).
/// </summary>
public sealed class IdeaWrites(CommunityDb db, ForumReader reader, ILiveBus bus, IdeaOptions options, TimeProvider clock)
{
    public IdeaOptions Options => options;
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Staff who set statuses, merge and see who wants an idea: moderators, marketing and admins.</summary>
    public static bool IsStaff(ForumViewer viewer) => viewer.IsModerator || viewer.Roles.Contains(Roles.Marketing);

    /// <summary>The thread if it is an idea (in an Ideas category) the viewer may read; otherwise null (callers answer 404).</summary>
    public async Task<(ThreadDto Thread, CategoryInfo Category)?> FindAsync(long id, ForumViewer viewer, CancellationToken ct) =>
        await reader.ThreadAsync(id, viewer, ct) is { Category.IsIdeas: true } found ? found : null;

    /// <summary>Makes the idea's row if it has none yet (an idea nobody acted on is New with no votes).</summary>
    public Task<int> EnsureAsync(long threadId, CancellationToken ct) => db.Database.ExecuteSqlAsync(
        $"""INSERT INTO "Ideas" ("ThreadId", "Status", "VoteCount") VALUES ({threadId}, {IdeaStatuses.New}, 0) ON CONFLICT DO NOTHING""", ct);

    /// <summary>
    /// Inside a write: makes the ideas' rows and locks them, in id order so two merges never wait on each other. On PostgreSQL the
    /// no-op UPDATE takes the row lock until commit (a vote, status change or merge of the same idea waits); SQLite's one writer
    /// already serialises them.
    /// </summary>
    public async Task<Dictionary<long, Idea>> LockAsync(CancellationToken ct, params long[] threadIds)
    {
        foreach (var id in threadIds.Distinct().Order())
        {
            await EnsureAsync(id, ct);
            await db.Database.ExecuteSqlAsync($"""UPDATE "Ideas" SET "VoteCount" = "VoteCount" WHERE "ThreadId" = {id}""", ct);
        }
        return await db.Set<Idea>().Where(i => threadIds.Contains(i.ThreadId)).ToDictionaryAsync(i => i.ThreadId, ct);
    }

    /// <summary>Inside a write: one vote of a member at a time on PostgreSQL, so two votes on different ideas cannot both pass the
    /// budget check. (SQLite's single writer already does this.)</summary>
    public async Task LockMemberAsync(string memberId, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        var key = "idea-votes:" + memberId;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", ct);
    }

    /// <summary>The member's votes that still count against the budget: on ideas not closed, not merged, not deleted and still in
    /// an Ideas category (a thread moved out of one is no longer an idea).</summary>
    public Task<int> OpenVotesAsync(string memberId, CancellationToken ct) =>
        (from v in db.Set<IdeaVote>()
         join i in db.Set<Idea>() on v.ThreadId equals i.ThreadId
         join t in db.Set<ForumThread>() on v.ThreadId equals t.Id
         join c in db.Set<ForumCategory>() on t.CategoryId equals c.Id
         where v.MemberId == memberId && i.MergedIntoId == null && !IdeaStatuses.Closed.Contains(i.Status) && !t.IsDeleted
             && c.Kind == CategoryKinds.Ideas
         select v).CountAsync(ct);

    public async Task<int> VotesLeftAsync(string memberId, CancellationToken ct) =>
        Math.Max(0, options.VoteBudget - await OpenVotesAsync(memberId, ct));

    /// <summary>After commit: the idea's page and lists drop their cached copies on every server, and its readers see the count.</summary>
    public async Task AfterVoteAsync(long threadId, int categoryId, int votes, CancellationToken ct)
    {
        reader.ThreadChanged(threadId);
        var e = new IdeaVotesEvent(threadId, categoryId, votes);
        await bus.PublishAsync(ForumLive.Thread(threadId), IdeaLive.Votes, e, ct);
        await bus.PublishAsync(ForumLive.Category(categoryId), IdeaLive.Votes, e, ct);
    }

    /// <summary>After commit of a staff change: caches drop the idea and its readers (page and lists) get it as it is now.</summary>
    public async Task AfterChangeAsync(long threadId, int categoryId, CancellationToken ct)
    {
        reader.ThreadChanged(threadId);
        var idea = await db.Set<Idea>().AsNoTracking().FirstAsync(i => i.ThreadId == threadId, ct);
        string? mergedUrl = null;
        if (idea.MergedIntoId is { } target && await reader.ThreadAsync(target, ForumWrites.Staff, ct) is { } merged) mergedUrl = merged.Thread.Url;
        var e = new IdeaChangedEvent(threadId, categoryId, idea.Status, IdeaStatuses.Label(idea.Status), idea.StatusNote, idea.AnnouncementUrl,
            idea.VoteCount, idea.MergedIntoId, mergedUrl);
        await bus.PublishAsync(ForumLive.Thread(threadId), IdeaLive.Changed, e, ct);
        await bus.PublishAsync(ForumLive.Category(categoryId), IdeaLive.Changed, e, ct);
    }
}
