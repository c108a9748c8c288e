using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>An integration allowed to post events. The secret is shown once; stored as a hash and, for HMAC checks,
/// protected by Data Protection.</summary>
public sealed class ReferralApiKey
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string SecretHash { get; set; } = "";
    public string ProtectedSecret { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>Approximate: written at most once a minute per key and server (see <see cref="ApiKeys"/>).</summary>
    public DateTime? LastUsedAt { get; set; }
    /// <summary>Space-separated <see cref="Infrastructure.Security.ApiScopes"/>; keys made before scopes existed hold events:write.</summary>
    public string Scopes { get; set; } = Infrastructure.Security.ApiScopes.EventsWrite;
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
        b.Property(k => k.Scopes).HasMaxLength(400).HasDefaultValue(Infrastructure.Security.ApiScopes.EventsWrite);
        b.HasIndex(k => k.SecretHash);
    }
}
