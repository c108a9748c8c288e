using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Forums;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Recognition;

/// <summary>
/// The only code that writes a <see cref="MemberBadge"/>. The grant is an INSERT … ON CONFLICT DO NOTHING on the (member, badge)
/// key, and the member's notification is added in the same transaction only when that insert wrote a row: of twenty triggers at
/// once, on one server or several, one grants and notifies and nineteen change nothing.
/// </summary>
public sealed class BadgeGrants(CommunityDb db, IMemberNotices notices, IMemberDirectory members, TimeProvider clock)
{
    /// <summary>True when this call granted the badge; false when the member held it already (or does not exist).</summary>
    public async Task<bool> GrantAsync(string memberId, string badge, string badgeName, string? reason, string? grantedById, CancellationToken ct)
    {
        if (await members.FindAsync(memberId, ct) is not { } member) return false;
        var now = clock.GetUtcNow().UtcDateTime;
        PendingNotification note;
        await using (var tx = await db.BeginWriteAsync(ct))
        {
            var inserted = await db.Database.SqlQuery<string>($"""
                INSERT INTO "MemberBadges" ("MemberId", "Badge", "GrantedAt", "Reason", "GrantedById")
                VALUES ({memberId}, {badge}, {now}, {reason}, {grantedById})
                ON CONFLICT ("MemberId", "Badge") DO NOTHING
                RETURNING "Badge" AS "Value"
                """).ToListAsync(ct);
            if (inserted.Count == 0) return false;
            // The name is text: the notification list and the mail show it as text, never as markup.
            note = notices.Add(memberId, NotificationKinds.Badge, $"You earned the badge “{badgeName}”",
                "/u/" + Uri.EscapeDataString(member.UserName));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await notices.DeliverAsync(note, ct);
        return true;
    }

    /// <summary>Takes a badge back (and the title, if the member showed it). False when the member did not hold it.</summary>
    public async Task<bool> RevokeAsync(string memberId, string badge, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        var removed = await db.Set<MemberBadge>().Where(b => b.MemberId == memberId && b.Badge == badge).ExecuteDeleteAsync(ct);
        await db.Set<MemberStanding>().Where(s => s.MemberId == memberId && s.Title == badge)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Title, (string?)null), ct);
        await tx.CommitAsync(ct);
        return removed > 0;
    }
}
