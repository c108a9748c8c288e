using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>Ideas' part of "download my data" and "erase my account": the member's votes. Erasing removes them and recounts the
/// ideas they were on, so counts never include a person who is gone.</summary>
internal sealed class IdeaMemberData(CommunityDb db, ForumReader reader) : IMemberDataSection
{
    private List<long> _ideas = [];

    public string Name => "ideaVotes";

    public async Task<object?> ExportAsync(string memberId, CancellationToken ct) =>
        await (from v in db.Set<IdeaVote>().AsNoTracking()
               join t in db.Set<ForumThread>() on v.ThreadId equals t.Id
               where v.MemberId == memberId
               orderby v.CreatedAt
               select new { v.ThreadId, Idea = t.Title, v.CreatedAt }).ToListAsync(ct);

    public async Task EraseAsync(string memberId, CancellationToken ct)
    {
        _ideas = await db.Set<IdeaVote>().Where(v => v.MemberId == memberId).Select(v => v.ThreadId).ToListAsync(ct);
        if (_ideas.Count == 0) return;
        await db.Set<IdeaVote>().Where(v => v.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<Idea>().Where(i => _ideas.Contains(i.ThreadId))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.VoteCount, i => db.Set<IdeaVote>().Count(v => v.ThreadId == i.ThreadId)), ct);
    }

    public Task AfterEraseAsync(string memberId, CancellationToken ct)
    {
        foreach (var id in _ideas) reader.ThreadChanged(id);
        return Task.CompletedTask;
    }
}
