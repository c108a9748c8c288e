using System.Text.Json;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>Category lists, thread lists, notifications and activity: the read models that are not a single thread.</summary>
public sealed class ForumQueries(CommunityDb db, ForumReader reader, TimeProvider clock, IMemberDirectory members,
    Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    private const int UnreadDays = 14;

    public async Task<List<CategoryInfo>> VisibleCategoriesAsync(ForumViewer viewer, CancellationToken ct) =>
        [.. (await reader.CategoriesAsync(ct)).Values.Where(viewer.CanRead).OrderBy(c => c.Position).ThenBy(c => c.Name, StringComparer.Ordinal)];

    /// <summary>Anonymous callers get one cached JSON answer per activity generation.</summary>
    public async Task<byte[]> AnonymousCategoriesAsync(CancellationToken ct) =>
        (await reader.CachedAsync(("cats", reader.CategoryGeneration), async () =>
            JsonSerializer.SerializeToUtf8Bytes(await CategoriesAsync(ForumViewer.Anonymous, ct), json.Value.SerializerOptions), 16 * 1024))!;

    public async Task<List<CategoryDto>> CategoriesAsync(ForumViewer viewer, CancellationToken ct)
    {
        var visible = await VisibleCategoriesAsync(viewer, ct);
        var ids = visible.Select(c => c.Id).ToList();
        var counters = await db.Set<ForumCategory>().AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.ThreadCount, c.PostCount, c.LastActivityAt }).ToDictionaryAsync(c => c.Id, ct);
        var unread = viewer.MemberId is null ? [] : await UnreadThreads(viewer.MemberId, ids, await SinceAsync(viewer.MemberId, ct))
            .GroupBy(t => t.CategoryId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return [.. visible.Select(c =>
        {
            var n = counters.GetValueOrDefault(c.Id);
            return new CategoryDto(c.Id, c.Slug, c.Name, c.Description, c.Position, c.IsQa, c.IsPrivate, c.ReadRoles,
                n?.ThreadCount ?? 0, n?.PostCount ?? 0, n?.LastActivityAt, unread.GetValueOrDefault(c.Id),
                viewer.IsAdmin ? c.ReadPlans : [], viewer.IsAdmin ? c.ReadAccounts : [], c.Kind);
        })];
    }

    /// <summary>One page of a category's threads, and whether another page follows (read as one extra row).</summary>
    public async Task<(List<ThreadSummary> Threads, bool More)> ThreadsAsync(
        ForumViewer viewer, CategoryInfo category, int page, CancellationToken ct)
    {
        const int size = 30;
        var rows = await db.Set<ForumThread>().AsNoTracking().Where(t => t.CategoryId == category.Id && !t.IsDeleted)
            .OrderByDescending(t => t.IsPinned).ThenByDescending(t => t.LastPostAt).ThenByDescending(t => t.Id)
            .Skip(Math.Max(0, page - 1) * size).Take(size + 1).ToListAsync(ct);
        var more = rows.Count > size;
        if (more) rows.RemoveAt(size);
        var authors = await members.FindManyAsync(rows.Select(t => t.AuthorId), ct);
        var reads = new Dictionary<long, int>();
        DateTime since = DateTime.MaxValue;
        if (viewer.MemberId is { } me)
        {
            var ids = rows.Select(t => t.Id).ToList();
            reads = await db.Set<ThreadRead>().AsNoTracking().Where(r => r.MemberId == me && ids.Contains(r.ThreadId))
                .ToDictionaryAsync(r => r.ThreadId, r => r.LastReadSeq, ct);
            since = await SinceAsync(me, ct);
        }
        return ([.. rows.Select(t =>
        {
            var unread = viewer.MemberId is null ? 0
                : reads.TryGetValue(t.Id, out var seen) ? Math.Max(0, t.LastSeq - seen)
                : t.LastPostAt >= since ? t.LastSeq : 0;
            return new ThreadSummary(t.Id, t.Title, ForumReader.ThreadUrl(t.Id, t.Slug), ForumReader.AuthorOf(authors, t.AuthorId),
                t.CreatedAt, t.LastPostAt, t.LastSeq, t.IsLocked, t.IsPinned, t.AcceptedSeq is not null, unread);
        })], more);
    }

    private IQueryable<ForumThread> UnreadThreads(string memberId, List<int> categoryIds, DateTime since) =>
        from t in db.Set<ForumThread>().AsNoTracking()
        where !t.IsDeleted && categoryIds.Contains(t.CategoryId)
        let seen = db.Set<ThreadRead>().Where(r => r.ThreadId == t.Id && r.MemberId == memberId).Select(r => (int?)r.LastReadSeq).FirstOrDefault()
        where seen == null ? t.LastPostAt >= since : seen < t.LastSeq
        select t;

    /// <summary>Threads nobody opened count as unread only when they are recent and newer than the member.</summary>
    private async Task<DateTime> SinceAsync(string memberId, CancellationToken ct)
    {
        var joined = (await members.FindAsync(memberId, ct))?.JoinedAt ?? default;
        var recent = clock.GetUtcNow().UtcDateTime.AddDays(-UnreadDays);
        return joined > recent ? joined : recent;
    }

    /// <summary>The member's notifications about threads they may still read: nothing of a thread since deleted or made private to them.</summary>
    public async Task<NotificationList> NotificationsAsync(ForumViewer viewer, CancellationToken ct)
    {
        var memberId = viewer.MemberId!;
        var visible = (await VisibleCategoriesAsync(viewer, ct)).Select(c => c.Id).ToList();
        // ThreadId 0: a notification about the member, not a thread (see IMemberNotices).
        var mine = db.Set<ForumNotification>().AsNoTracking().Where(n => n.MemberId == memberId && (n.ThreadId == 0
            || db.Set<ForumThread>().Any(t => t.Id == n.ThreadId && !t.IsDeleted && visible.Contains(t.CategoryId))));
        var items = await mine.OrderByDescending(n => n.Id).Take(30)
            .Select(n => new NotificationDto(n.Id, n.Kind, n.Text, n.Url, n.CreatedAt, n.ReadAt != null)).ToListAsync(ct);
        var unread = await mine.CountAsync(n => n.ReadAt == null, ct);
        return new NotificationList(unread, items);
    }

    /// <summary>The latest public threads, for the home page.</summary>
    public async Task<byte[]> ActivityAsync(CancellationToken ct) =>
        (await reader.CachedAsync(("activity", reader.CategoryGeneration), async () =>
        {
            var publicIds = (await reader.CategoriesAsync(ct)).Values.Where(c => !c.IsPrivate).Select(c => c.Id).ToList();
            var rows = await db.Set<ForumThread>().AsNoTracking().Where(t => !t.IsDeleted && publicIds.Contains(t.CategoryId))
                .OrderByDescending(t => t.LastPostAt).Take(10).Select(t => new { t.Id, t.Slug, t.Title, t.Summary, t.LastSeq }).ToListAsync(ct);
            var items = rows.Select(t => new ActivityItem(t.Title, ForumReader.ThreadUrl(t.Id, t.Slug),
                t.LastSeq == 1 ? "New thread" : $"{t.LastSeq - 1} {(t.LastSeq == 2 ? "reply" : "replies")}")).ToList();
            return JsonSerializer.SerializeToUtf8Bytes(items, json.Value.SerializerOptions);
        }, 8 * 1024))!;
}
