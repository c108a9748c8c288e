using Community.Web.Data;

namespace Community.Web.Features.Forums;

/// <summary>In-app notifications that are about the member rather than a thread (a badge earned): other features add them through
/// this, never by writing the notification table.</summary>
public interface IMemberNotices
{
    /// <summary>Adds a notification, saved with the caller's SaveChanges (so it commits with the caller's change, and is mailed as the
    /// member chose for its kind's topic). Call <see cref="DeliverAsync"/> after commit.</summary>
    PendingNotification Add(string memberId, string kind, string text, string url);

    /// <summary>Sends what <see cref="Add"/> added to the member's open pages (live), after the caller's commit.</summary>
    Task DeliverAsync(PendingNotification notification, CancellationToken ct);
}

internal sealed class MemberNotices(CommunityDb db, ForumWrites writes, TimeProvider clock) : IMemberNotices
{
    public PendingNotification Add(string memberId, string kind, string text, string url)
    {
        // ThreadId 0: no thread, so the notification list shows it whatever categories the member may read.
        var note = new ForumNotification
        {
            MemberId = memberId, Kind = kind, ThreadId = 0, Seq = 0, CreatedAt = clock.GetUtcNow().UtcDateTime,
            Text = text.Length <= 300 ? text : text[..300], Url = url,
        };
        db.Add(note);
        return new PendingNotification([note]);
    }

    public Task DeliverAsync(PendingNotification notification, CancellationToken ct) => writes.PublishNotesAsync(notification.Notes, ct);
}
