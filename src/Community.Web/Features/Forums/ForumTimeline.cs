using Community.Web.Data;
using Community.Web.Features.Lifecycle.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>The forums' timeline entries: the member's first post and first accepted answer, linked when the viewer may read the
/// thread (a private category's thread is named as such, without its title).</summary>
internal sealed class ForumTimeline(CommunityDb db, ForumReader reader) : IMemberTimelineSource
{
    public async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(TimelineRequest request, CancellationToken ct)
    {
        var id = request.MemberId;
        var first = await (from p in db.Set<ForumPost>().AsNoTracking()
                           join t in db.Set<ForumThread>().AsNoTracking() on p.ThreadId equals t.Id
                           where p.AuthorId == id && !p.IsDeleted && !t.IsDeleted
                           orderby p.CreatedAt, p.Id
                           select new Found(p.CreatedAt, t.Id, t.Slug, t.Title, t.CategoryId, p.Seq)).FirstOrDefaultAsync(ct);
        var answer = await (from t in db.Set<ForumThread>().AsNoTracking()
                            join p in db.Set<ForumPost>().AsNoTracking()
                                on new { t.Id, Seq = t.AcceptedSeq!.Value } equals new { Id = p.ThreadId, p.Seq }
                            where t.AcceptedSeq != null && !t.IsDeleted && p.AuthorId == id && !p.IsDeleted
                            orderby p.CreatedAt, p.Id
                            select new Found(p.CreatedAt, t.Id, t.Slug, t.Title, t.CategoryId, p.Seq)).FirstOrDefaultAsync(ct);
        var posts = first is null ? 0 : await db.Set<ForumPost>().CountAsync(p => p.AuthorId == id && !p.IsDeleted, ct);
        var viewer = ForumViewer.From(request.Viewer);
        var categories = await reader.CategoriesAsync(ct);
        var entries = new List<TimelineEntry>();
        var soFar = posts == 1 ? "1 post so far" : $"{posts} posts so far";
        if (first is not null) entries.Add(Entry(first, TimelineKinds.FirstPost, "First post", soFar));
        if (answer is not null) entries.Add(Entry(answer, TimelineKinds.FirstAnswer, "First accepted answer", "answered"));
        return entries;

        TimelineEntry Entry(Found f, string kind, string title, string detail) =>
            categories.TryGetValue(f.CategoryId, out var category) && viewer.CanRead(category)
                ? new TimelineEntry(f.At, kind, $"{title}: {f.Title}", $"{detail} in {category.Name}",
                    ForumReader.ThreadUrl(f.ThreadId, f.Slug) + "#p" + f.Seq)
                : new TimelineEntry(f.At, kind, $"{title} (in a category you cannot read)", null);
    }

    private sealed record Found(DateTime At, long ThreadId, string Slug, string Title, int CategoryId, int Seq);
}
