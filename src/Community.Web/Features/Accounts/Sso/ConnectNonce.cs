using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>A Connect sign-in in flight: the nonce sent to the product, single-use and short-lived. Kept in the database so
/// whichever server receives the product's answer can check it, and so a second use finds nothing to delete.</summary>
public sealed class ConnectNonce
{
    public const int Length = 64;

    public string Nonce { get; set; } = "";
    /// <summary>The local page to return to after signing in.</summary>
    public string ReturnUrl { get; set; } = "/";
    public DateTime ExpiresAt { get; set; }
}

internal sealed class ConnectNonceConfiguration : IEntityTypeConfiguration<ConnectNonce>
{
    public void Configure(EntityTypeBuilder<ConnectNonce> builder)
    {
        builder.ToTable("ConnectNonces");
        builder.HasKey(n => n.Nonce);
        builder.Property(n => n.Nonce).HasMaxLength(ConnectNonce.Length);
        builder.Property(n => n.ReturnUrl).HasMaxLength(2048).IsRequired();
        builder.HasIndex(n => n.ExpiresAt);
    }
}
