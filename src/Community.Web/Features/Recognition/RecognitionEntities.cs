using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Recognition;

/// <summary>A badge a member holds. The key (member, badge) is the table's primary key: a badge is granted exactly once, however
/// many servers and passes try at the same moment (the insert that loses the race inserts nothing).</summary>
public sealed class MemberBadge
{
    public required string MemberId { get; set; }
    /// <summary>An automatic badge's key (<see cref="BadgeCatalog"/>) or <c>custom-{id}</c> for a badge admins made.</summary>
    public required string Badge { get; set; }
    public DateTime GrantedAt { get; set; }
    /// <summary>Why an admin granted it (manual badges only).</summary>
    public string? Reason { get; set; }
    public string? GrantedById { get; set; }
}

/// <summary>A badge admins created, to grant by hand.</summary>
public sealed class CustomBadge
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    public string Key => BadgeCatalog.CustomKey(Id);
}

/// <summary>A member's trust level and chosen title. Members at level 0 without a title have no row.</summary>
public sealed class MemberStanding
{
    public required string MemberId { get; set; }
    public int TrustLevel { get; set; }
    public DateTime TrustChangedAt { get; set; }
    /// <summary>The badge key the member shows next to their name, or null.</summary>
    public string? Title { get; set; }
}

/// <summary>A day (UTC) on which the member used the site: "days visited" counts these rows.</summary>
public sealed class MemberVisitDay
{
    public required string MemberId { get; set; }
    public DateTime Day { get; set; }
}

internal sealed class MemberBadgeConfiguration : IEntityTypeConfiguration<MemberBadge>
{
    public void Configure(EntityTypeBuilder<MemberBadge> b)
    {
        b.ToTable("MemberBadges");
        b.HasKey(x => new { x.MemberId, x.Badge });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Badge).HasMaxLength(40);
        b.Property(x => x.Reason).HasMaxLength(500);
        b.Property(x => x.GrantedById).HasMaxLength(450);
        b.HasIndex(x => x.Badge);
    }
}

internal sealed class CustomBadgeConfiguration : IEntityTypeConfiguration<CustomBadge>
{
    public void Configure(EntityTypeBuilder<CustomBadge> b)
    {
        b.ToTable("CustomBadges");
        b.Property(x => x.Name).HasMaxLength(BadgeRules.NameMax).IsRequired();
        b.Property(x => x.Description).HasMaxLength(BadgeRules.DescriptionMax).IsRequired();
        b.HasIndex(x => x.Name).IsUnique();
        b.Ignore(x => x.Key);
    }
}

internal sealed class MemberStandingConfiguration : IEntityTypeConfiguration<MemberStanding>
{
    public void Configure(EntityTypeBuilder<MemberStanding> b)
    {
        b.ToTable("MemberStandings");
        b.HasKey(x => x.MemberId);
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Title).HasMaxLength(40);
    }
}

internal sealed class MemberVisitDayConfiguration : IEntityTypeConfiguration<MemberVisitDay>
{
    public void Configure(EntityTypeBuilder<MemberVisitDay> b)
    {
        b.ToTable("MemberVisitDays");
        b.HasKey(x => new { x.MemberId, x.Day });
        b.Property(x => x.MemberId).HasMaxLength(450);
    }
}
