using System.Text.Json;

namespace Community.Web.Features.Publishing;

/// <summary>What the editor sends: every editable field of a story. Also the revision snapshot format.</summary>
public sealed record StoryInput
{
    public string? Kind { get; init; }
    public string? Slug { get; init; }
    public string? Title { get; init; }
    public string? Summary { get; init; }
    public string? Customer { get; init; }
    public string? Body { get; init; }
    public string? PersonName { get; init; }
    public string? PersonRole { get; init; }
    public string? Quote { get; init; }
    public string? Challenge { get; init; }
    public string? Solution { get; init; }
    public string? Results { get; init; }
    public IReadOnlyList<Metric>? Metrics { get; init; }
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

    public static StoryInput From(Story s) => new()
    {
        Kind = s.Kind, Slug = s.Slug, Title = s.Title, Summary = s.Summary, Customer = s.Customer, Body = s.Body,
        PersonName = s.PersonName, PersonRole = s.PersonRole, Quote = s.Quote,
        Challenge = s.Challenge, Solution = s.Solution, Results = s.Results, Metrics = StoryView.ParseMetrics(s.MetricsJson),
        CtaLabel = s.CtaLabel, CtaUrl = s.CtaUrl, HeroImage = s.HeroImage, HeroAlt = s.HeroAlt, LogoImage = s.LogoImage,
        Industry = s.Industry, CompanySize = s.CompanySize, ProductArea = s.ProductArea,
        FeaturedMember = s.FeaturedMember, CreditReferralCode = s.CreditReferralCode,
    };

    /// <summary>Copies trimmed values onto the entity (validation has already run).</summary>
    public void ApplyTo(Story s, string slug)
    {
        s.Kind = Kind!;
        s.Slug = slug;
        s.Title = Title!.Trim();
        s.Summary = Summary?.Trim() ?? "";
        s.Customer = Customer!.Trim();
        s.Body = Body ?? "";
        s.PersonName = Opt(PersonName);
        s.PersonRole = Opt(PersonRole);
        s.Quote = Opt(Quote);
        s.Challenge = Opt(Challenge);
        s.Solution = Opt(Solution);
        s.Results = Opt(Results);
        s.MetricsJson = JsonSerializer.Serialize((Metrics ?? [])
            .Where(m => !string.IsNullOrWhiteSpace(m.Value) && !string.IsNullOrWhiteSpace(m.Label))
            .Select(m => new Metric(m.Value.Trim(), m.Label.Trim())), JsonSerializerOptions.Web);
        s.CtaLabel = Opt(CtaLabel);
        s.CtaUrl = Opt(CtaUrl);
        s.HeroImage = Opt(HeroImage);
        s.HeroAlt = Opt(HeroAlt);
        s.LogoImage = Opt(LogoImage);
        s.Industry = Opt(Industry);
        s.CompanySize = Opt(CompanySize);
        s.ProductArea = Opt(ProductArea);
        s.FeaturedMember = Opt(FeaturedMember)?.ToLowerInvariant();
        s.CreditReferralCode = Opt(CreditReferralCode);
    }

    private static string? Opt(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>A story in the editor: its fields, state and links.</summary>
public sealed record StoryDto(
    int? Id,
    StoryInput Fields,
    string Status,
    DateTime? PublishAt,
    DateTime? PublishedAt,
    DateTime UpdatedAt,
    string PublicUrl,
    string? PreviewUrl,
    bool ReadOnly,
    string? SourceFile,
    IReadOnlyList<string> RedirectFrom);

public sealed record StorySummaryDto(int? Id, string Kind, string Slug, string Title, string Customer, string Status, DateTime? PublishAt,
    DateTime UpdatedAt, string PublicUrl, bool ReadOnly, string? SourceFile);

public sealed record StoryListDto(IReadOnlyList<StorySummaryDto> Stories, IReadOnlyList<ContentError> ContentErrors);

public sealed record PublishRequest(DateTime? PublishAt);

public sealed record PublishResponse(StoryDto Story, string Message);

public sealed record RevisionDto(int Number, string Title, DateTime CreatedAt);

public sealed record PreviewResponse(string Html);
