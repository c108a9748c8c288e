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
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<Member>
{
    public void Configure(EntityTypeBuilder<Member> builder)
    {
        builder.Property(m => m.DisplayName).HasMaxLength(MemberRules.DisplayNameMax).IsRequired();
        builder.Property(m => m.Bio).HasMaxLength(MemberRules.BioMax);
        builder.Property(m => m.AvatarUrl).HasMaxLength(512);
        builder.Property(m => m.SessionVersion).HasDefaultValue(0);
    }
}
