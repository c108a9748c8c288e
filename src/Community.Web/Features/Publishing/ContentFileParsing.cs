using Community.Media;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Community.Web.Features.Publishing;

/// <summary>Reading one content file: front matter checked key by key (errors name their line), images beside the file.</summary>
public sealed partial class ContentFiles
{
    internal async Task<StoryView> ParseAsync(string name, string kind, string text, string folder, CancellationToken ct)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            throw new ContentException(1, "the file must start with '---' and YAML front matter.");
        }
        var end = text.IndexOf("\n---", 3, StringComparison.Ordinal);
        if (end < 0) throw new ContentException(1, "the front matter is not closed by a '---' line.");
        var yaml = text[4..(end + 1)];
        var bodyStart = text.IndexOf('\n', end + 4);
        var body = bodyStart < 0 ? "" : text[(bodyStart + 1)..];

        FrontMatter matter;
        try
        {
            matter = Yaml.Deserialize<FrontMatter>(yaml) ?? new FrontMatter();
        }
        catch (YamlException e)
        {
            // +1: the opening '---' is line 1 of the file.
            var reason = e.InnerException?.Message ?? e.Message;
            throw new ContentException((int)e.Start.Line + 1, reason);
        }

        var slug = matter.Slug ?? Path.GetFileNameWithoutExtension(name);
        if (!Slugs.IsValid(slug))
        {
            throw new ContentException(LineOf(yaml, "slug"), $"'{slug}' is not a valid slug (lowercase letters, digits and hyphens).");
        }
        if (string.IsNullOrWhiteSpace(matter.Title)) throw new ContentException(LineOf(yaml, "title"), "title is required.");
        if (string.IsNullOrWhiteSpace(matter.Customer)) throw new ContentException(LineOf(yaml, "customer"), "customer is required.");
        foreach (var old in matter.RedirectFrom ?? [])
        {
            if (!Slugs.IsValid(old)) throw new ContentException(LineOf(yaml, "redirect_from"), $"'{old}' in redirect_from is not a valid slug.");
        }
        if (matter.Cta?.Url is { } ctaUrl && !StoryMarkdown.IsSafeLink(ctaUrl))
        {
            throw new ContentException(LineOf(yaml, "cta"), "cta.url must be http(s) or a path on this site.");
        }

        var date = matter.Date is { } d
            ? DateTime.SpecifyKind(d, DateTimeKind.Utc)
            : File.GetLastWriteTimeUtc(Path.Combine(folder, Path.GetFileName(name)));
        var hero = await ImageAsync(folder, matter.Hero, yaml, "hero", ct);
        var logo = await ImageAsync(folder, matter.Logo, yaml, "logo", ct);
        return new StoryView
        {
            Kind = kind,
            Slug = slug,
            Title = matter.Title.Trim(),
            Summary = matter.Summary?.Trim() ?? "",
            Customer = matter.Customer.Trim(),
            Body = body,
            PersonName = matter.Person?.Name,
            PersonRole = matter.Person?.Role,
            Quote = matter.Quote?.Trim(),
            Challenge = matter.Challenge,
            Solution = matter.Solution,
            Results = matter.Results,
            Metrics = (matter.Metrics ?? []).Where(m => m.Value is not null && m.Label is not null)
                .Select(m => new Metric(m.Value!, m.Label!)).ToList(),
            CtaLabel = matter.Cta?.Label,
            CtaUrl = matter.Cta?.Url,
            HeroImage = hero,
            HeroAlt = matter.HeroAlt,
            LogoImage = logo,
            Industry = matter.Tags?.Industry,
            CompanySize = matter.Tags?.Size,
            ProductArea = matter.Tags?.ProductArea,
            FeaturedMember = matter.FeaturedMember,
            CreditReferralCode = matter.ReferralCode,
            // A dated file goes live on its date (check-on-read); an undated one is live as soon as it is loaded.
            Status = matter.Draft ? StoryStatus.Draft : matter.Date is null ? StoryStatus.Published : StoryStatus.Scheduled,
            PublishAt = date,
            PublishedAt = null,
            UpdatedAt = date,
            SourceFile = name,
            RedirectFrom = matter.RedirectFrom ?? [],
        };
    }

    private async Task<string?> ImageAsync(string folder, string? file, string yaml, string key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(file)) return null;
        var path = Path.GetFullPath(Path.Combine(folder, file));
        if (!path.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
        {
            throw new ContentException(LineOf(yaml, key), $"{key} image '{file}' was not found beside the file.");
        }
        try
        {
            // Only the header is checked here; pages that show the image process it (see MediaLibrary.AddLaterAsync).
            return await _media.AddLaterAsync(await File.ReadAllBytesAsync(path, ct), ImageKind.Story, ct);
        }
        catch (ImageRejectedException e)
        {
            throw new ContentException(LineOf(yaml, key), $"{key} image '{file}': {e.Message}");
        }
    }

    private static int LineOf(string yaml, string key)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(key + ":", StringComparison.Ordinal)) return i + 2;
        }
        return 1;
    }

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    private sealed class ContentException(int line, string message) : Exception(message)
    {
        public int Line { get; } = line;
    }

    // YamlDotNet fills these by name (title, redirect_from, ...); unknown keys are errors, so typos name their line.
    internal sealed class FrontMatter
    {
        public string? Title { get; set; }
        public string? Slug { get; set; }
        public DateTime? Date { get; set; }
        public string? Summary { get; set; }
        public string? Customer { get; set; }
        public PersonMatter? Person { get; set; }
        public string? Quote { get; set; }
        public string? Hero { get; set; }
        public string? HeroAlt { get; set; }
        public string? Logo { get; set; }
        public TagsMatter? Tags { get; set; }
        public List<MetricMatter>? Metrics { get; set; }
        public string? Challenge { get; set; }
        public string? Solution { get; set; }
        public string? Results { get; set; }
        public CtaMatter? Cta { get; set; }
        public string? FeaturedMember { get; set; }
        public string? ReferralCode { get; set; }
        public List<string>? RedirectFrom { get; set; }
        public bool Draft { get; set; }
    }

    internal sealed class PersonMatter
    {
        public string? Name { get; set; }
        public string? Role { get; set; }
    }

    internal sealed class TagsMatter
    {
        public string? Industry { get; set; }
        public string? Size { get; set; }
        public string? ProductArea { get; set; }
    }

    internal sealed class MetricMatter
    {
        public string? Value { get; set; }
        public string? Label { get; set; }
    }

    internal sealed class CtaMatter
    {
        public string? Label { get; set; }
        public string? Url { get; set; }
    }
}
