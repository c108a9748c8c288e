using Community.Web.Data;
using Community.Web.Features.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Community.Web.Features.Forums;

/// <summary>
/// Hands every new in-app notification to <see cref="INotificationMail"/> while the SaveChanges that stores it runs, so its email
/// (or its place in a digest) is written in the same transaction: a notification from <see cref="ForumWrites.Notify"/>, or from any
/// feature that adds a <see cref="ForumNotification"/>, is mailed as its member chose, and never without the notification.
/// </summary>
internal sealed class NotificationMailHook(INotificationMail mail) : SaveChangesInterceptor
{
    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not CommunityDb db) return result;
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        List<ForumNotification> added;
        // Added entities are known without a scan of every tracked entity (SaveChanges runs that scan itself just after).
        tracker.AutoDetectChangesEnabled = false;
        try { added = [.. tracker.Entries<ForumNotification>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)]; }
        finally { tracker.AutoDetectChangesEnabled = detect; }
        if (added.Count == 0) return result;
        var threadIds = added.Where(n => n.Kind == NotificationKinds.Reply).Select(n => n.ThreadId).Distinct().ToList();
        var authors = threadIds.Count == 0 ? [] : await db.Set<ForumThread>().AsNoTracking().Where(t => threadIds.Contains(t.Id))
            .ToDictionaryAsync(t => t.Id, t => t.AuthorId, cancellationToken);
        await mail.NotifiedAsync(db, [.. added.Select(n => new NewNotification(n.MemberId,
            ForumNotificationTopics.Of(n.Kind, n.MemberId, authors.GetValueOrDefault(n.ThreadId)), n.Text, n.Url))], cancellationToken);
        return result;
    }
}

/// <summary>Which email topic a forum notification belongs to.</summary>
internal static class ForumNotificationTopics
{
    public const string IdeaStatus = "idea-status", Credit = "credit";

    /// <summary>A reply reaches every watcher: for the thread's author it is a reply to them, for others activity in a watched thread.</summary>
    public static string Of(string kind, string memberId, string? threadAuthorId) => kind switch
    {
        NotificationKinds.Reply => threadAuthorId == memberId ? NotificationTopics.Replies : NotificationTopics.Watched,
        IdeaStatus => NotificationTopics.IdeaStatus,
        Credit => NotificationTopics.Credits,
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
