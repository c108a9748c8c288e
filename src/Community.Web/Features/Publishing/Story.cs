using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Publishing;

public static class StoryKinds
{
    public const string Spotlight = "spotlight";
    public const string CaseStudy = "case-study";

    public static bool IsValid(string? kind) => kind is Spotlight or CaseStudy;

    /// <summary>The public listing path for a kind: /spotlights or /case-studies.</summary>
    public static string ListPath(string kind) => kind == Spotlight ? "/spotlights" : "/case-studies";

    public static string Label(string kind) => kind == Spotlight ? "Customer spotlight" : "Case study";
}

public static class StoryStatus
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Published = "published";
}

/// <summary>A customer spotlight or case study written in the editor. Stories shipped as files live in <see cref="ContentFiles"/>.</summary>
public sealed class Story
{
    public int Id { get; set; }
    public string Kind { get; set; } = StoryKinds.Spotlight;
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Customer { get; set; } = "";
    public string Body { get; set; } = "";

    public string? PersonName { get; set; }
    public string? PersonRole { get; set; }
    public string? Quote { get; set; }

    public string? Challenge { get; set; }
    public string? Solution { get; set; }
    public string? Results { get; set; }
    /// <summary>JSON array of { value, label } key metrics (case studies, 2–4 of them).</summary>
    public string MetricsJson { get; set; } = "[]";

    public string? CtaLabel { get; set; }
    public string? CtaUrl { get; set; }

    /// <summary>Media names (renditions' source hash) of the hero image and the customer logo.</summary>
    public string? HeroImage { get; set; }
    public string? HeroAlt { get; set; }
    public string? LogoImage { get; set; }

    public string? Industry { get; set; }
    public string? CompanySize { get; set; }
    public string? ProductArea { get; set; }

    /// <summary>The featured member's public handle, linking the story to their community profile.</summary>
    public string? FeaturedMember { get; set; }
    /// <summary>When set, sign-ups that start from this story carry this referral code (<c>/signup?ref=</c>).</summary>
    public string? CreditReferralCode { get; set; }

    public string Status { get; set; } = StoryStatus.Draft;
    public DateTime? PublishAt { get; set; }
    public DateTime? PublishedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string? AuthorId { get; set; }
    /// <summary>Unguessable token for the private preview link.</summary>
    public string PreviewToken { get; set; } = "";
}

/// <summary>A saved state of a story's editable fields, for history and restore.</summary>
public sealed class StoryRevision
{
    public long Id { get; set; }
    public int StoryId { get; set; }
    public int Number { get; set; }
    public string SnapshotJson { get; set; } = "";
    public string Title { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public string? AuthorId { get; set; }
}

/// <summary>An old slug that answers 301 to the story's current URL.</summary>
public sealed class StorySlugRedirect
{
    public int Id { get; set; }
    public string OldSlug { get; set; } = "";
    public int StoryId { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class StoryRules
{
    public const int SlugMax = 120;
    public const int TitleMax = 160;
    public const int SummaryMax = 300;
    public const int CustomerMax = 120;
    public const int BodyMax = 100_000;
    public const int ShortMax = 120;
    public const int QuoteMax = 600;
    public const int SectionMax = 20_000;
    public const int UrlMax = 500;
}

internal sealed class StoryConfiguration : IEntityTypeConfiguration<Story>
{
    public void Configure(EntityTypeBuilder<Story> b)
    {
        b.ToTable("Stories");
        b.Property(s => s.Kind).HasMaxLength(16).IsRequired();
        b.Property(s => s.Slug).HasMaxLength(StoryRules.SlugMax).IsRequired();
        b.Property(s => s.Title).HasMaxLength(StoryRules.TitleMax).IsRequired();
        b.Property(s => s.Summary).HasMaxLength(StoryRules.SummaryMax).IsRequired();
        b.Property(s => s.Customer).HasMaxLength(StoryRules.CustomerMax).IsRequired();
        b.Property(s => s.Body).IsRequired();
        b.Property(s => s.PersonName).HasMaxLength(StoryRules.ShortMax);
        b.Property(s => s.PersonRole).HasMaxLength(StoryRules.ShortMax);
        b.Property(s => s.Quote).HasMaxLength(StoryRules.QuoteMax);
        b.Property(s => s.MetricsJson).HasMaxLength(2000).IsRequired();
        b.Property(s => s.CtaLabel).HasMaxLength(80);
        b.Property(s => s.CtaUrl).HasMaxLength(StoryRules.UrlMax);
        b.Property(s => s.HeroImage).HasMaxLength(80);
        b.Property(s => s.HeroAlt).HasMaxLength(300);
        b.Property(s => s.LogoImage).HasMaxLength(80);
        b.Property(s => s.Industry).HasMaxLength(60);
        b.Property(s => s.CompanySize).HasMaxLength(30);
        b.Property(s => s.ProductArea).HasMaxLength(60);
        b.Property(s => s.FeaturedMember).HasMaxLength(256);
        b.Property(s => s.CreditReferralCode).HasMaxLength(64);
        b.Property(s => s.Status).HasMaxLength(16).IsRequired();
        b.Property(s => s.AuthorId).HasMaxLength(450);
        b.Property(s => s.PreviewToken).HasMaxLength(64).IsRequired();
        b.HasIndex(s => s.Slug).IsUnique();
        b.HasIndex(s => s.PreviewToken).IsUnique();
        b.HasIndex(s => new { s.Status, s.PublishAt });
    }
}

internal sealed class StoryRevisionConfiguration : IEntityTypeConfiguration<StoryRevision>
{
    public void Configure(EntityTypeBuilder<StoryRevision> b)
    {
        b.ToTable("StoryRevisions");
        b.Property(r => r.SnapshotJson).IsRequired();
        b.Property(r => r.Title).HasMaxLength(StoryRules.TitleMax).IsRequired();
        b.Property(r => r.AuthorId).HasMaxLength(450);
        b.HasOne<Story>().WithMany().HasForeignKey(r => r.StoryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.StoryId, r.Number }).IsUnique();
    }
}

internal sealed class StorySlugRedirectConfiguration : IEntityTypeConfiguration<StorySlugRedirect>
{
    public void Configure(EntityTypeBuilder<StorySlugRedirect> b)
    {
        b.ToTable("StorySlugRedirects");
        b.Property(r => r.OldSlug).HasMaxLength(StoryRules.SlugMax).IsRequired();
        b.HasOne<Story>().WithMany().HasForeignKey(r => r.StoryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => r.OldSlug).IsUnique();
        b.HasIndex(r => r.StoryId);
    }
}
