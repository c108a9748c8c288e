using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Infrastructure.Mail;

/// <summary>An email waiting to be sent. Written in the same transaction as the change that causes it.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public required string Recipient { get; set; }
    public required string Subject { get; set; }
    public required string TextBody { get; set; }
    /// <summary>An HTML alternative to <see cref="TextBody"/> (sent as multipart/alternative), or null for plain text only.</summary>
    public string? HtmlBody { get; set; }
    /// <summary>The one-click unsubscribe address (RFC 8058) for mail a member can turn off, sent as List-Unsubscribe.</summary>
    public string? UnsubscribeUrl { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    /// <summary>The server that may send it until <see cref="ClaimedUntil"/>: with several servers, each message goes out once.</summary>
    public string? ClaimedBy { get; set; }
    public DateTime? ClaimedUntil { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.Property(m => m.Recipient).HasMaxLength(256);
        builder.Property(m => m.Subject).HasMaxLength(300);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        builder.Property(m => m.ClaimedBy).HasMaxLength(100);
        builder.Property(m => m.UnsubscribeUrl).HasMaxLength(1000);
        builder.HasIndex(m => m.SentAt);
    }
}
