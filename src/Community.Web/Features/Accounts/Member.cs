using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Accounts;

/// <summary>A person with an account. <c>UserName</c> is the public handle used in profile URLs and @mentions.</summary>
public sealed class Member : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public string? Bio { get; set; }
    public DateTime JoinedAt { get; set; }
    /// <summary>URL of the avatar image, when the member uploaded one; otherwise a placeholder is drawn from the initials.</summary>
    public string? AvatarUrl { get; set; }
    /// <summary>Goes up whenever every session must end (password change or reset, sign out everywhere, suspension, erasure);
    /// each sign-in cookie carries the version it was issued under.</summary>
    public int SessionVersion { get; set; }

    // Product identity (see Features/Accounts/Product): written only by IExternalMembers.
    /// <summary>The product's user id, when the member signed in through the product or was synced from it.</summary>
    public string? ExternalId { get; set; }
    public string? AccountId { get; set; }
    public string? AccountName { get; set; }
    public string? Plan { get; set; }
    /// <summary>Admin-chosen custom attributes as a JSON object of strings.</summary>
    public string? ProductAttributes { get; set; }
    /// <summary>Set when the product deactivated the member: they cannot sign in; what they wrote stays.</summary>
    public DateTime? DeactivatedAt { get; set; }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.Property(m => m.DisplayName).HasMaxLength(MemberRules.DisplayNameMax).IsRequired();
        builder.Property(m => m.Bio).HasMaxLength(MemberRules.BioMax);
        builder.Property(m => m.AvatarUrl).HasMaxLength(512);
        builder.Property(m => m.SessionVersion).HasDefaultValue(0);
        builder.Property(m => m.ExternalId).HasMaxLength(200);
        builder.Property(m => m.AccountId).HasMaxLength(200);
        builder.Property(m => m.AccountName).HasMaxLength(200);
        builder.Property(m => m.Plan).HasMaxLength(100);
        builder.Property(m => m.ProductAttributes).HasMaxLength(8000);
        builder.HasIndex(m => m.ExternalId).IsUnique();
        builder.HasIndex(m => new { m.Plan, m.AccountId });
        builder.HasIndex(m => m.JoinedAt); // insights: a day's new members
    }
}
