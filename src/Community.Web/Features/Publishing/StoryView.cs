using System.Text.Json;

namespace Community.Web.Features.Publishing;

public sealed record Metric(string Value, string Label);

/// <summary>A story as pages render it, from the database or from a content file.</summary>
public sealed record StoryView
{
    public int? Id { get; init; }
    public required string Kind { get; init; }
    public required string Slug { get; init; }
    public required string Title { get; init; }
    public string Summary { get; init; } = "";
    public string Customer { get; init; } = "";
    public string Body { get; init; } = "";
    public string? PersonName { get; init; }
    public string? PersonRole { get; init; }
    public string? Quote { get; init; }
    public string? Challenge { get; init; }
    public string? Solution { get; init; }
    public string? Results { get; init; }
    public IReadOnlyList<Metric> Metrics { get; init; } = [];
    public string? CtaLabel { get; init; }
    public string? CtaUrl { get; init; }
    public string? HeroImage { get; init; }
    public string? HeroAlt { get; init; }
    public string? LogoImage { get; init; }
    public string? Industry { get; init; }
    public string? CompanySize { get; init; }
    public string? ProductArea { get; init; }
    public string? FeaturedMember { get; init; }
    public string? CreditReferralCode { get; init; }
    public string Status { get; init; } = StoryStatus.Draft;
    public DateTime? PublishAt { get; init; }
    public DateTime? PublishedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    /// <summary>Path under the content folder for stories shipped as files; null for editor stories.</summary>
    public string? SourceFile { get; init; }
    public IReadOnlyList<string> RedirectFrom { get; init; } = [];

    public string Path => StoryKinds.ListPath(Kind) + "/" + Slug;

    /// <summary>The date shown and used for ordering: when it went (or goes) live.</summary>
    public DateTime Date => PublishedAt ?? PublishAt ?? UpdatedAt;

    /// <summary>Check-on-read: a scheduled story is public from its time even before the scheduler has run.</summary>
    public bool IsVisible(DateTime now) =>
        Status == StoryStatus.Published || (Status == StoryStatus.Scheduled && PublishAt is { } at && at <= now);

    public IEnumerable<string> Facets()
    {
        if (Industry is not null) yield return "i:" + Industry;
        if (CompanySize is not null) yield return "s:" + CompanySize;
        if (ProductArea is not null) yield return "p:" + ProductArea;
    }

    public static StoryView From(Story s, IReadOnlyList<string>? redirects = null) => new()
    {
        Id = s.Id,
        Kind = s.Kind,
        Slug = s.Slug,
        Title = s.Title,
        Summary = s.Summary,
        Customer = s.Customer,
        Body = s.Body,
        PersonName = s.PersonName,
        PersonRole = s.PersonRole,
        Quote = s.Quote,
        Challenge = s.Challenge,
        Solution = s.Solution,
        Results = s.Results,
        Metrics = ParseMetrics(s.MetricsJson),
        CtaLabel = s.CtaLabel,
        CtaUrl = s.CtaUrl,
        HeroImage = s.HeroImage,
        HeroAlt = s.HeroAlt,
        LogoImage = s.LogoImage,
        Industry = s.Industry,
        CompanySize = s.CompanySize,
        ProductArea = s.ProductArea,
        FeaturedMember = s.FeaturedMember,
        CreditReferralCode = s.CreditReferralCode,
        Status = s.Status,
        PublishAt = s.PublishAt,
        PublishedAt = s.PublishedAt,
        UpdatedAt = s.UpdatedAt,
        RedirectFrom = redirects ?? [],
    };

    public static IReadOnlyList<Metric> ParseMetrics(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<Metric>>(json, JsonSerializerOptions.Web) ?? [];
}
