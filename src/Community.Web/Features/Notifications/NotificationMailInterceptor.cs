using System.Runtime.CompilerServices;
using Community.Web.Data;
using Community.Web.Infrastructure.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Community.Web.Features.Notifications;

/// <summary>A feature's new notifications among the entities a SaveChanges is about to insert (forum notifications, credit grants).</summary>
public interface INewNotifications
{
    Task<IReadOnlyList<NewNotification>> FindAsync(CommunityDb db, CancellationToken ct);
}

/// <summary>
/// While a SaveChanges runs, hands what <see cref="INewNotifications"/> find to <see cref="INotificationMail"/>, so a notification's email
/// (or its place in a digest) is written in the same transaction as the notification: never one without the other. If that
/// SaveChanges fails, the emails it queued are taken back out of the context (a caller that carries on, such as a credit grant
/// that lost a race to its twin, must not send them with its next save).
/// </summary>
internal sealed class NotificationMailInterceptor(IEnumerable<INewNotifications> sources, INotificationMail mail) : SaveChangesInterceptor
{
    private static readonly ConditionalWeakTable<DbContext, List<OutboxMessage>> Queued = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not CommunityDb db) return result;
        List<NewNotification> notes = [];
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        // Added entities are known without a scan of every tracked one (SaveChanges runs that scan itself right after).
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var source in sources) notes.AddRange(await source.FindAsync(db, cancellationToken));
            if (notes.Count == 0) return result;
            var before = Added(db).ToHashSet();
            await mail.NotifiedAsync(db, notes, cancellationToken);
            Queued.AddOrUpdate(db, [.. Added(db).Where(m => !before.Contains(m))]);
        }
        finally { tracker.AutoDetectChangesEnabled = detect; }
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db) Queued.Remove(db);
        return ValueTask.FromResult(result);
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && Queued.TryGetValue(db, out var queued))
        {
            foreach (var message in queued) db.Entry(message).State = EntityState.Detached;
            Queued.Remove(db);
        }
        return Task.CompletedTask;
    }

    private static IEnumerable<OutboxMessage> Added(CommunityDb db) =>
        db.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added).Select(e => e.Entity);
}
