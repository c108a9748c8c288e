using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

public enum LedgerKind { Grant = 0, Reversal = 1, Redemption = 2, Adjustment = 3 }

/// <summary>Append-only: rows are never updated or deleted. Pending = AvailableAt in the future; balances are sums.</summary>
public sealed class LedgerEntry
{
    public long Id { get; set; }
    public string MemberId { get; set; } = "";
    public LedgerKind Kind { get; set; }
    public long Amount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime AvailableAt { get; set; }
    public long? ReferralId { get; set; }
    public long? ReversesEntryId { get; set; }
    /// <summary>Machine reason: signup_advocate, conversion_friend, refund, chargeback, redemption, adjustment, milestone:5 ...</summary>
    public string Reason { get; set; } = "";
    public string? Note { get; set; }
    public string? ActorId { get; set; }
}

internal sealed class LedgerEntryConfiguration : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> b)
    {
        b.ToTable("LedgerEntries");
        b.Property(e => e.MemberId).HasMaxLength(450);
        b.Property(e => e.Reason).HasMaxLength(64);
        b.Property(e => e.Note).HasMaxLength(500);
        b.Property(e => e.ActorId).HasMaxLength(450);
        b.HasIndex(e => new { e.MemberId, e.AvailableAt });
        b.HasIndex(e => e.ReferralId);
        b.HasIndex(e => e.ReversesEntryId);
    }
}
