using Community.Web.Data;
using Community.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// The forum notifications a SaveChanges is about to insert (from <see cref="ForumWrites.Notify"/>, or any feature that adds a
/// <see cref="ForumNotification"/>), with their email topic, so they are mailed as each member chose in the same transaction.
/// </summary>
internal sealed class ForumNewNotifications : INewNotifications
{
    public async Task<IReadOnlyList<NewNotification>> FindAsync(CommunityDb db, CancellationToken ct)
    {
        var added = db.ChangeTracker.Entries<ForumNotification>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        if (added.Count == 0) return [];
        var threadIds = added.Where(n => n.Kind == NotificationKinds.Reply).Select(n => n.ThreadId).Distinct().ToList();
        var authors = threadIds.Count == 0 ? [] : await db.Set<ForumThread>().AsNoTracking().Where(t => threadIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => t.AuthorId, ct);
        return [.. added.Select(n => new NewNotification(n.MemberId,
            ForumNotificationTopics.Of(n.Kind, n.MemberId, authors.GetValueOrDefault(n.ThreadId)), n.Text, n.Url))];
    }
}

/// <summary>Which email topic a forum notification belongs to.</summary>
internal static class ForumNotificationTopics
{
    /// <summary>A reply reaches every watcher: for the thread's author it is a reply to them, for others activity in a watched thread.</summary>
    public static string Of(string kind, string memberId, string? threadAuthorId) => kind switch
    {
        NotificationKinds.Reply => threadAuthorId == memberId ? NotificationTopics.Replies : NotificationTopics.Watched,
        // A merge is what became of an idea the member voted on, as much as a status is.
        NotificationKinds.IdeaStatus or NotificationKinds.IdeaMerged => NotificationTopics.IdeaStatus,
        NotificationKinds.Badge => NotificationTopics.Badges,
        _ => NotificationTopics.Replies,
    };
}

/// <summary>The forums' unread notifications, for digests.</summary>
internal sealed class ForumNotificationInbox : INotificationInbox
{
    public async Task<List<UnreadNotification>> UnreadAsync(CommunityDb db, IReadOnlyCollection<string> memberIds, CancellationToken ct)
    {
        var rows = await (from n in db.Set<ForumNotification>().AsNoTracking()
                          where memberIds.Contains(n.MemberId) && n.ReadAt == null
                          join t in db.Set<ForumThread>() on n.ThreadId equals t.Id into threads
                          from t in threads.DefaultIfEmpty()
                          select new { n.MemberId, n.Kind, n.Text, n.Url, n.CreatedAt, AuthorId = t == null ? null : t.AuthorId }).ToListAsync(ct);
        return [.. rows.Select(r => new UnreadNotification(r.MemberId, ForumNotificationTopics.Of(r.Kind, r.MemberId, r.AuthorId), r.Text, r.Url,
            r.CreatedAt))];
    }
}
