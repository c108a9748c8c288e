using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

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
