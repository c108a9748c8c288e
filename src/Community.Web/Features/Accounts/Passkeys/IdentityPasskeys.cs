using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Accounts;

/// <summary>
/// Identity's passkeys table (what store schema version 3 adds: AspNetUserPasskeys, the WebAuthn data as one JSON column).
/// Configured here instead of through <c>IdentityOptions.Stores.SchemaVersion</c>, which Identity reads from the application's
/// services while building the model: the model would then differ between the app and a context built without them
/// (migrations, schema tests), and version 3 also changes the key lengths of older Identity tables.
/// </summary>
internal sealed class IdentityPasskeys : IEntityTypeConfiguration<IdentityUserPasskey<string>>
{
    public const int MaxPerMember = 20;
    public const int NameMax = 50;

    public void Configure(EntityTypeBuilder<IdentityUserPasskey<string>> builder)
    {
        builder.ToTable("AspNetUserPasskeys");
        builder.HasKey(p => p.CredentialId);
        builder.Property(p => p.CredentialId).HasMaxLength(1024); // WebAuthn: at most 1023 bytes
        builder.HasOne<Member>().WithMany().HasForeignKey(p => p.UserId).IsRequired();
        builder.OwnsOne(p => p.Data).ToJson();
    }
}
