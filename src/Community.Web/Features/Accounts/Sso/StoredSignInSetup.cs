using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// The sign-in set-up an admin saved at /admin/sign-in: one row, its <see cref="Document"/> the JSON of
/// <see cref="SignInSetupDocument"/> (secrets inside are encrypted with Data Protection). Configuration (<c>Sso:*</c>) still
/// wins part by part; see <see cref="SignInSetupStore"/>.
/// </summary>
public sealed class StoredSignInSetup
{
    public const int SingleId = 1;

    public int Id { get; set; } = SingleId;
    public string Document { get; set; } = "{}";
    public DateTime UpdatedAt { get; set; }
    /// <summary>The admin who saved it last (a member id; plain text, so erasing that member leaves the set-up alone).</summary>
    public string? UpdatedBy { get; set; }
}

internal sealed class StoredSignInSetupConfiguration : IEntityTypeConfiguration<StoredSignInSetup>
{
    public void Configure(EntityTypeBuilder<StoredSignInSetup> builder)
    {
        builder.ToTable("SignInSetups");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Document).IsRequired();
        builder.Property(s => s.UpdatedBy).HasMaxLength(450);
    }
}

/// <summary>What is stored; every part optional (null: not set in the database). Secrets are Data Protection ciphertext.</summary>
public sealed record SignInSetupDocument
{
    public bool? LocalPasswords { get; init; }
    public StoredOidc? Oidc { get; init; }
    public StoredConnect? Connect { get; init; }
    public IReadOnlyList<GroupRoleView>? GroupRoles { get; init; }
    public IReadOnlyList<string>? CustomAttributes { get; init; }
}

public sealed record StoredOidc(string Name, string Authority, string ClientId, string? ProtectedClientSecret, string Scopes,
    OidcClaimNames Claims);

public sealed record StoredConnect(string Name, string Url, string ProtectedSecret);
