using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>The program's settings: one row (Id 1), edited by marketing.</summary>
public sealed class ReferralProgram
{
    public int Id { get; set; } = 1;
    public long SignupAdvocateCredits { get; set; } = 500;
    public long SignupFriendCredits { get; set; } = 500;
    public long ConversionAdvocateCredits { get; set; } = 2000;
    /// <summary>Percentage (0–100) of the first payment added to the advocate's conversion reward.</summary>
    public int ConversionAdvocatePercent { get; set; }
    public long ConversionFriendCredits { get; set; } = 1000;
    /// <summary>"5:2500,10:5000" — a bonus for the advocate's 5th and 10th paying referral.</summary>
    public string Milestones { get; set; } = "5:2500,10:5000";
    public long MonthlyCap { get; set; } = 50_000;
    public long LifetimeCap { get; set; } = 500_000;
    public int AttributionDays { get; set; } = 30;
    public bool LastTouch { get; set; }
    public int HoldDays { get; set; } = 30;
    public int VelocityPerHour { get; set; } = 10;
    public bool InviteOnly { get; set; }
    /// <summary>Where /r/{code} sends people: empty = our sign-up page, or an external URL that receives ?ref=.</summary>
    public string? LandingUrl { get; set; }
    /// <summary>Random secret behind the daily IP-hash salt; never leaves the server.</summary>
    public string IpSecret { get; set; } = "";
    public DateTime UpdatedAt { get; set; }
}

public enum CodeKind { Personal = 0, Vanity = 1, Campaign = 2 }

/// <summary>A shareable code: an advocate's personal or vanity code, or a campaign invite code.</summary>
public sealed class ReferralCode
{
    public long Id { get; set; }
    /// <summary>Lower-case; codes are case-insensitive.</summary>
    public string Code { get; set; } = "";
    public string? OwnerId { get; set; }
    public CodeKind Kind { get; set; }
    public string? CampaignTag { get; set; }
    public int? UsageLimit { get; set; }
    public int UsedCount { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public bool Disabled { get; set; }
    /// <summary>Campaign codes: replaces the new member's sign-up reward.</summary>
    public long? RewardOverride { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Maintained by the click flusher so dashboards never count rows.</summary>
    public long ClickCount { get; set; }
}

/// <summary>One visit of /r/{code}. Never the raw IP: only a salted hash whose salt rotates daily.</summary>
public sealed class ReferralClick
{
    public long Id { get; set; }
    public long CodeId { get; set; }
    public DateTime At { get; set; }
    public string? Landing { get; set; }
    public string? Referrer { get; set; }
    public string? UtmSource { get; set; }
    public string? UtmMedium { get; set; }
    public string? UtmCampaign { get; set; }
    public string? UserAgentFamily { get; set; }
    public string? IpHash { get; set; }
    public string? DeviceId { get; set; }
}

public enum ReferralDecision { Allow = 0, Review = 1, Block = 2, Rejected = 3 }

/// <summary>An attributed person: a member who signed up through a code, or a customer reported by the product.</summary>
public sealed class Referral
{
    public long Id { get; set; }
    public long CodeId { get; set; }
    public string? AdvocateId { get; set; }
    public string? ReferredMemberId { get; set; }
    public string? ExternalCustomerId { get; set; }
    public string? CustomerEmail { get; set; }
    /// <summary>cookie, typed, invite, claim, api, test.</summary>
    public string Source { get; set; } = "";
    public ReferralDecision Decision { get; set; }
    public int FraudScore { get; set; }
    /// <summary>Comma-separated reason codes (self_referral, same_device, ...).</summary>
    public string Reasons { get; set; } = "";
    public bool IsTest { get; set; }
    public string? TestLabel { get; set; }
    public string? DeviceId { get; set; }
    public string? IpHash { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When the referred member confirmed their email (or the product reported the customer): only then does the
    /// sign-up count in the funnel and earn credits.</summary>
    public DateTime? ConfirmedAt { get; set; }
    public DateTime? ConvertedAt { get; set; }
    public string? ReviewedById { get; set; }
    public string? ReviewNote { get; set; }
    public DateTime? ReviewedAt { get; set; }
}

/// <summary>A payment event reported for a referral (conversion, refund or chargeback), each recorded once.</summary>
public sealed class ReferralConversion
{
    public long Id { get; set; }
    public long ReferralId { get; set; }
    public string EventId { get; set; } = "";
    /// <summary>conversion, refund, chargeback.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Refunds and chargebacks: the conversion event they take money back from.</summary>
    public string? RefundsEventId { get; set; }
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string? Plan { get; set; }
    public DateTime At { get; set; }
}

/// <summary>One reward decision, unique per (rule, referral, beneficiary, source event): the exactly-once guard.</summary>
public sealed class RewardGrant
{
    public long Id { get; set; }
    public string RuleKey { get; set; } = "";
    /// <summary>0 for advocate-wide rules (milestones).</summary>
    public long ReferralId { get; set; }
    public string BeneficiaryId { get; set; } = "";
    public string SourceEventId { get; set; } = "";
    public long Amount { get; set; }
    /// <summary>granted, over_cap, test_referral, ...</summary>
    public string Outcome { get; set; } = "";
    public long? LedgerEntryId { get; set; }
    public LedgerEntry? LedgerEntry { get; set; }
    public DateTime CreatedAt { get; set; }
}

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

/// <summary>An integration allowed to post events. The secret is shown once; stored as a hash and, for HMAC checks, protected by Data Protection.</summary>
public sealed class ReferralApiKey
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public string ProtectedSecret { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
}

/// <summary>The first answer given for an (API key, Idempotency-Key) pair.</summary>
public sealed class IdempotencyRecord
{
    public long Id { get; set; }
    public string ApiKeyId { get; set; } = "";
    public string Key { get; set; } = "";
    public string BodyHash { get; set; } = "";
    public int Status { get; set; }
    public string Response { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>An email invitation sent by an advocate; its token attributes the sign-up.</summary>
public sealed class ReferralInvite
{
    public long Id { get; set; }
    public string Token { get; set; } = "";
    public long CodeId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

/// <summary>An advocate's own choices and the device/IP fingerprints used for the same-device signal.</summary>
public sealed class AdvocateSettings
{
    public string MemberId { get; set; } = "";
    public bool LeaderboardOptOut { get; set; }
    /// <summary>Up to ten recent device cookie ids, comma-separated.</summary>
    public string DeviceIds { get; set; } = "";
    public string? LastIpHash { get; set; }
}

internal sealed class ReferralProgramConfiguration : IEntityTypeConfiguration<ReferralProgram>
{
    public void Configure(EntityTypeBuilder<ReferralProgram> b)
    {
        b.ToTable("ReferralPrograms");
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.Milestones).HasMaxLength(200);
        b.Property(p => p.LandingUrl).HasMaxLength(500);
        b.Property(p => p.IpSecret).HasMaxLength(100);
    }
}

internal sealed class ReferralCodeConfiguration : IEntityTypeConfiguration<ReferralCode>
{
    public void Configure(EntityTypeBuilder<ReferralCode> b)
    {
        b.ToTable("ReferralCodes");
        b.Property(c => c.Code).HasMaxLength(64);
        b.Property(c => c.OwnerId).HasMaxLength(450);
        b.Property(c => c.CampaignTag).HasMaxLength(64);
        b.HasIndex(c => c.Code).IsUnique();
        b.HasIndex(c => c.OwnerId);
    }
}

internal sealed class ReferralClickConfiguration : IEntityTypeConfiguration<ReferralClick>
{
    public void Configure(EntityTypeBuilder<ReferralClick> b)
    {
        b.ToTable("ReferralClicks");
        b.Property(c => c.Landing).HasMaxLength(500);
        b.Property(c => c.Referrer).HasMaxLength(500);
        b.Property(c => c.UtmSource).HasMaxLength(100);
        b.Property(c => c.UtmMedium).HasMaxLength(100);
        b.Property(c => c.UtmCampaign).HasMaxLength(100);
        b.Property(c => c.UserAgentFamily).HasMaxLength(32);
        b.Property(c => c.IpHash).HasMaxLength(64);
        b.Property(c => c.DeviceId).HasMaxLength(64);
        b.HasIndex(c => new { c.CodeId, c.At });
        b.HasIndex(c => c.At);
        b.HasOne<ReferralCode>().WithMany().HasForeignKey(c => c.CodeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> b)
    {
        b.ToTable("Referrals");
        b.Property(r => r.AdvocateId).HasMaxLength(450);
        b.Property(r => r.ReferredMemberId).HasMaxLength(450);
        b.Property(r => r.ExternalCustomerId).HasMaxLength(200);
        b.Property(r => r.CustomerEmail).HasMaxLength(256);
        b.Property(r => r.Source).HasMaxLength(16);
        b.Property(r => r.Reasons).HasMaxLength(300);
        b.Property(r => r.TestLabel).HasMaxLength(80);
        b.Property(r => r.DeviceId).HasMaxLength(64);
        b.Property(r => r.IpHash).HasMaxLength(64);
        b.Property(r => r.ReviewedById).HasMaxLength(450);
        b.Property(r => r.ReviewNote).HasMaxLength(500);
        // A member is referred at most once; NULLs (external customers, tests) do not collide.
        b.HasIndex(r => r.ReferredMemberId).IsUnique();
        b.HasIndex(r => new { r.AdvocateId, r.CreatedAt });
        b.HasIndex(r => new { r.CodeId, r.CreatedAt });
        b.HasIndex(r => r.ExternalCustomerId);
        b.HasIndex(r => r.CustomerEmail);
        b.HasIndex(r => r.Decision);
        b.HasOne<ReferralCode>().WithMany().HasForeignKey(r => r.CodeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReferralConversionConfiguration : IEntityTypeConfiguration<ReferralConversion>
{
    public void Configure(EntityTypeBuilder<ReferralConversion> b)
    {
        b.ToTable("ReferralConversions");
        b.Property(c => c.EventId).HasMaxLength(200);
        b.Property(c => c.Kind).HasMaxLength(16);
        b.Property(c => c.RefundsEventId).HasMaxLength(200);
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.Plan).HasMaxLength(100);
        b.HasIndex(c => new { c.ReferralId, c.EventId }).IsUnique();
        b.HasOne<Referral>().WithMany().HasForeignKey(c => c.ReferralId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RewardGrantConfiguration : IEntityTypeConfiguration<RewardGrant>
{
    public void Configure(EntityTypeBuilder<RewardGrant> b)
    {
        b.ToTable("RewardGrants");
        b.Property(g => g.RuleKey).HasMaxLength(64);
        b.Property(g => g.BeneficiaryId).HasMaxLength(450);
        b.Property(g => g.SourceEventId).HasMaxLength(200);
        b.Property(g => g.Outcome).HasMaxLength(32);
        b.HasIndex(g => new { g.RuleKey, g.ReferralId, g.BeneficiaryId, g.SourceEventId }).IsUnique();
        b.HasIndex(g => new { g.BeneficiaryId, g.CreatedAt });
        b.HasIndex(g => g.ReferralId);
        b.HasOne(g => g.LedgerEntry).WithMany().HasForeignKey(g => g.LedgerEntryId).OnDelete(DeleteBehavior.Restrict);
    }
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

internal sealed class ReferralApiKeyConfiguration : IEntityTypeConfiguration<ReferralApiKey>
{
    public void Configure(EntityTypeBuilder<ReferralApiKey> b)
    {
        b.ToTable("ReferralApiKeys");
        b.Property(k => k.Id).HasMaxLength(40);
        b.Property(k => k.Name).HasMaxLength(80);
        b.Property(k => k.SecretHash).HasMaxLength(64);
        b.Property(k => k.ProtectedSecret).HasMaxLength(1000);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("IdempotencyRecords");
        b.Property(r => r.ApiKeyId).HasMaxLength(40);
        b.Property(r => r.Key).HasMaxLength(200);
        b.Property(r => r.BodyHash).HasMaxLength(64);
        b.Property(r => r.Response).HasMaxLength(4000);
        b.HasIndex(r => new { r.ApiKeyId, r.Key }).IsUnique();
        b.HasIndex(r => r.CreatedAt);
    }
}

internal sealed class ReferralInviteConfiguration : IEntityTypeConfiguration<ReferralInvite>
{
    public void Configure(EntityTypeBuilder<ReferralInvite> b)
    {
        b.ToTable("ReferralInvites");
        b.Property(i => i.Token).HasMaxLength(64);
        b.HasIndex(i => i.Token).IsUnique();
        b.HasOne<ReferralCode>().WithMany().HasForeignKey(i => i.CodeId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AdvocateSettingsConfiguration : IEntityTypeConfiguration<AdvocateSettings>
{
    public void Configure(EntityTypeBuilder<AdvocateSettings> b)
    {
        b.ToTable("AdvocateSettings");
        b.HasKey(s => s.MemberId);
        b.Property(s => s.MemberId).HasMaxLength(450);
        b.Property(s => s.DeviceIds).HasMaxLength(700);
        b.Property(s => s.LastIpHash).HasMaxLength(64);
    }
}
