using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Knowledge;

public static class KbStatus
{
    public const string Draft = "draft";
    public const string Published = "published";
}

public static class KbRules
{
    public const int SlugMax = 120, TitleMax = 160, SummaryMax = 300, SectionTitleMax = 80, DescriptionMax = 300, CommentMax = 1000;
    /// <summary>Addresses under /kb that are pages of their own, never a section.</summary>
    public static readonly IReadOnlySet<string> ReservedSlugs = new HashSet<string>(["manage", "search"], StringComparer.Ordinal);
}

/// <summary>A group of articles at /kb/{slug}.</summary>
public sealed class KbSection
{
    public int Id { get; set; }
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public int Position { get; set; }
}

/// <summary>A knowledge-base article written by staff in story Markdown; public once published.</summary>
public sealed class KbArticle
{
    public int Id { get; set; }
    public int SectionId { get; set; }
    public string Slug { get; set; } = "";
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    /// <summary>The body rendered when saved (story Markdown: callouts, figures; every URL allow-listed).</summary>
    public string Html { get; set; } = "";
    public string Status { get; set; } = KbStatus.Draft;
    /// <summary>The solved thread an article was promoted from, and the member whose accepted answer it credits.</summary>
    public long? SourceThreadId { get; set; }
    public string? SourceUrl { get; set; }
    public string? CreditMemberId { get; set; }
    public string? AuthorId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? PublishedAt { get; set; }
}

/// <summary>Every save keeps the text it saved, numbered from 1 per article.</summary>
public sealed class KbArticleRevision
{
    public long Id { get; set; }
    public int ArticleId { get; set; }
    public int Number { get; set; }
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public string? AuthorId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>An article's earlier slug: its old address answers 301 to the current one.</summary>
public sealed class KbSlugRedirect
{
    public int Id { get; set; }
    public string OldSlug { get; set; } = "";
    public int ArticleId { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>"Was this helpful?": one answer per member or per anonymous visitor cookie (<see cref="VoterKey"/>), replaced when repeated.</summary>
public sealed class KbFeedback
{
    public long Id { get; set; }
    public int ArticleId { get; set; }
    /// <summary>"m:" + member id, or "v:" + a hash of the visitor cookie.</summary>
    public string VoterKey { get; set; } = "";
    public bool Helpful { get; set; }
    public string? Comment { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>A suggestion opened from a composer; <see cref="DeflectedAt"/> is set when that composer is then left without posting.</summary>
public sealed class KbSuggestionOpening
{
    public long Id { get; set; }
    public string Token { get; set; } = "";
    public string? MemberId { get; set; }
    public string Url { get; set; } = "";
    public DateTime OpenedAt { get; set; }
    public DateTime? DeflectedAt { get; set; }
}

internal sealed class KbSectionConfiguration : IEntityTypeConfiguration<KbSection>
{
    public void Configure(EntityTypeBuilder<KbSection> b)
    {
        b.ToTable("KbSections");
        b.Property(x => x.Slug).HasMaxLength(KbRules.SlugMax).IsRequired();
        b.Property(x => x.Title).HasMaxLength(KbRules.SectionTitleMax).IsRequired();
        b.Property(x => x.Description).HasMaxLength(KbRules.DescriptionMax).IsRequired();
        b.HasIndex(x => x.Slug).IsUnique();
    }
}

internal sealed class KbArticleConfiguration : IEntityTypeConfiguration<KbArticle>
{
    public void Configure(EntityTypeBuilder<KbArticle> b)
    {
        b.ToTable("KbArticles");
        b.Property(x => x.Slug).HasMaxLength(KbRules.SlugMax).IsRequired();
        b.Property(x => x.Title).HasMaxLength(KbRules.TitleMax).IsRequired();
        b.Property(x => x.Summary).HasMaxLength(KbRules.SummaryMax).IsRequired();
        b.Property(x => x.Body).IsRequired();
        b.Property(x => x.Html).IsRequired();
        b.Property(x => x.Status).HasMaxLength(16).IsRequired();
        b.Property(x => x.SourceUrl).HasMaxLength(300);
        b.Property(x => x.CreditMemberId).HasMaxLength(450);
        b.Property(x => x.AuthorId).HasMaxLength(450);
        b.HasOne<KbSection>().WithMany().HasForeignKey(x => x.SectionId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.Slug).IsUnique();
        b.HasIndex(x => x.SectionId);
        b.HasIndex(x => x.SourceThreadId).IsUnique();
    }
}

internal sealed class KbArticleRevisionConfiguration : IEntityTypeConfiguration<KbArticleRevision>
{
    public void Configure(EntityTypeBuilder<KbArticleRevision> b)
    {
        b.ToTable("KbArticleRevisions");
        b.Property(x => x.Title).HasMaxLength(KbRules.TitleMax).IsRequired();
        b.Property(x => x.Summary).HasMaxLength(KbRules.SummaryMax).IsRequired();
        b.Property(x => x.Body).IsRequired();
        b.Property(x => x.AuthorId).HasMaxLength(450);
        b.HasOne<KbArticle>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ArticleId, x.Number }).IsUnique();
    }
}

internal sealed class KbSlugRedirectConfiguration : IEntityTypeConfiguration<KbSlugRedirect>
{
    public void Configure(EntityTypeBuilder<KbSlugRedirect> b)
    {
        b.ToTable("KbSlugRedirects");
        b.Property(x => x.OldSlug).HasMaxLength(KbRules.SlugMax).IsRequired();
        b.HasOne<KbArticle>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.OldSlug).IsUnique();
        b.HasIndex(x => x.ArticleId);
    }
}

internal sealed class KbFeedbackConfiguration : IEntityTypeConfiguration<KbFeedback>
{
    public void Configure(EntityTypeBuilder<KbFeedback> b)
    {
        b.ToTable("KbFeedback");
        b.Property(x => x.VoterKey).HasMaxLength(460).IsRequired();
        b.Property(x => x.Comment).HasMaxLength(KbRules.CommentMax);
        b.HasOne<KbArticle>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ArticleId, x.VoterKey }).IsUnique();
    }
}

internal sealed class KbSuggestionOpeningConfiguration : IEntityTypeConfiguration<KbSuggestionOpening>
{
    public void Configure(EntityTypeBuilder<KbSuggestionOpening> b)
    {
        b.ToTable("KbSuggestionOpenings");
        b.Property(x => x.Token).HasMaxLength(64).IsRequired();
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.Property(x => x.Url).HasMaxLength(300).IsRequired();
        b.HasIndex(x => x.Token).IsUnique();
        b.HasIndex(x => x.DeflectedAt);
    }
}
