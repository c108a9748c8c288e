using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Notifications;

/// <summary>A member's chosen delivery for one topic; a topic without a row uses its default.</summary>
public sealed class NotificationPreference
{
    public required string MemberId { get; set; }
    public required string Topic { get; set; }
    public required string Delivery { get; set; }
}

/// <summary>A member's mail settings: their time zone (digests arrive in their morning) and when each digest last went out.</summary>
public sealed class MailSettings
{
    public required string MemberId { get; set; }
    /// <summary>An IANA zone id, from the member's browser.</summary>
    public string TimeZone { get; set; } = "UTC";
    public DateTime? LastDailyDigestAt { get; set; }
    public DateTime? LastWeeklyDigestAt { get; set; }
}

/// <summary>
/// A digest waiting to go out: present only while the member has something for it. Created when a notification for a digest
/// topic arrives; the digest run deletes it in the transaction that queues the email, so each digest is sent once.
/// </summary>
public sealed class DigestDue
{
    public required string MemberId { get; set; }
    /// <summary><see cref="Deliveries.Daily"/> or <see cref="Deliveries.Weekly"/>.</summary>
    public required string Period { get; set; }
    /// <summary>The member's next local morning (UTC).</summary>
    public DateTime DueAt { get; set; }
    /// <summary>When the first notification for this digest arrived: what came before went out at once, or in an earlier digest.</summary>
    public DateTime Since { get; set; }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> b)
    {
        b.ToTable("NotificationPreferences");
        b.HasKey(x => new { x.MemberId, x.Topic });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Topic).HasMaxLength(20);
        b.Property(x => x.Delivery).HasMaxLength(12);
    }
}

internal sealed class MailSettingsConfiguration : IEntityTypeConfiguration<MailSettings>
{
    public void Configure(EntityTypeBuilder<MailSettings> b)
    {
        b.ToTable("MailSettings");
        b.HasKey(x => x.MemberId);
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.TimeZone).HasMaxLength(64);
    }
}

internal sealed class DigestDueConfiguration : IEntityTypeConfiguration<DigestDue>
{
    public void Configure(EntityTypeBuilder<DigestDue> b)
    {
        b.ToTable("DigestsDue");
        b.HasKey(x => new { x.MemberId, x.Period });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Period).HasMaxLength(12);
        b.HasIndex(x => x.DueAt);
    }
}
