using System.Text.RegularExpressions;
using Community.Media;
using Community.Web.Features.Media;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Community.Web.Features.Publishing;

/// <summary>A content file that could not be loaded; the site runs without it.</summary>
public sealed record ContentError(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}

/// <summary>
/// Stories shipped as files: <c>content/spotlights/*.md</c> and <c>content/case-studies/*.md</c>, YAML front matter
/// between <c>---</c> lines, Markdown after it, images beside the file. Read at start-up and again when a file changes.
/// A broken file is skipped and reported with its name and line; it never stops the site.
/// </summary>
public sealed partial class ContentFiles : IDisposable
{
    private static readonly (string Folder, string Kind)[] Folders = [("spotlights", StoryKinds.Spotlight), ("case-studies", StoryKinds.CaseStudy)];

    private readonly string _root;
    private readonly MediaLibrary _media;
    private readonly ILogger<ContentFiles> _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private volatile bool _dirty = true;
    private volatile bool _disposed;
    private (IReadOnlyList<StoryView> Stories, IReadOnlyList<ContentError> Errors) _loaded = ([], []);

    public ContentFiles(string root, MediaLibrary media, ILogger<ContentFiles> logger)
    {
        _root = root;
        _media = media;
        _logger = logger;
    }

    /// <summary>Raised (after a short debounce) when a file under the content folder changes.</summary>
    public event Action? Changed;

    public string Root => _root;

    public void Watch()
    {
        if (_watcher is not null || !Directory.Exists(_root)) return;
        // Both callbacks run on threads nobody awaits: an exception there would end the process,
        // and events can still arrive while the app is being disposed.
        _debounce = new Timer(_ =>
        {
            if (_disposed) return;
            _dirty = true;
            try { Changed?.Invoke(); }
            catch (Exception ex) when (ex is not OutOfMemoryException) { LogWatchFailed(_logger, ex.Message); }
        });
        _watcher = new FileSystemWatcher(_root) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        FileSystemEventHandler onChange = (_, _) => Debounce();
        _watcher.Changed += onChange;
        _watcher.Created += onChange;
        _watcher.Deleted += onChange;
        _watcher.Renamed += (_, _) => Debounce();
        _watcher.Error += (_, e) => LogWatchFailed(_logger, e.GetException().Message);
        try
        {
            _watcher.EnableRaisingEvents = true;
        }
        catch (IOException ex)
        {
            // Out of inotify instances, for example: the site still serves; changes need a restart.
            LogWatchFailed(_logger, ex.Message);
        }
    }

    /// <summary>Marks the files as changed so the next load reads them again.</summary>
    public void Reload() => _dirty = true;

    public async Task<(IReadOnlyList<StoryView> Stories, IReadOnlyList<ContentError> Errors)> LoadAsync(CancellationToken ct = default)
    {
        if (!_dirty) return _loaded;
        await _lock.WaitAsync(ct);
        try
        {
            if (!_dirty) return _loaded;
            _dirty = false;
            var stories = new List<StoryView>();
            var errors = new List<ContentError>();
            foreach (var (folder, kind) in Folders)
            {
                var path = Path.Combine(_root, folder);
                if (!Directory.Exists(path)) continue;
                foreach (var file in Directory.EnumerateFiles(path, "*.md").Order(StringComparer.Ordinal))
                {
                    var name = $"content/{folder}/{Path.GetFileName(file)}";
                    try
                    {
                        var story = await ParseAsync(name, kind, await File.ReadAllTextAsync(file, ct), Path.GetDirectoryName(file)!, ct);
                        if (stories.Any(s => s.Slug == story.Slug)) throw new ContentException(1, $"slug '{story.Slug}' is already used by another file.");
                        stories.Add(story);
                    }
                    catch (ContentException e)
                    {
                        errors.Add(new ContentError(name, e.Line, e.Message));
                    }
                    catch (IOException e)
                    {
                        errors.Add(new ContentError(name, 1, e.Message));
                    }
                }
            }
            foreach (var error in errors) LogSkipped(_logger, error.File, error.Line, error.Message);
            _loaded = (stories, errors);
            return _loaded;
        }
        finally
        {
            _lock.Release();
        }
    }

    internal async Task<StoryView> ParseAsync(string name, string kind, string text, string folder, CancellationToken ct)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!text.StartsWith("---\n", StringComparison.Ordinal)) throw new ContentException(1, "the file must start with '---' and YAML front matter.");
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
        if (!Slugs.IsValid(slug)) throw new ContentException(LineOf(yaml, "slug"), $"'{slug}' is not a valid slug (lowercase letters, digits and hyphens).");
        if (string.IsNullOrWhiteSpace(matter.Title)) throw new ContentException(LineOf(yaml, "title"), "title is required.");
        if (string.IsNullOrWhiteSpace(matter.Customer)) throw new ContentException(LineOf(yaml, "customer"), "customer is required.");
        foreach (var old in matter.RedirectFrom ?? [])
        {
            if (!Slugs.IsValid(old)) throw new ContentException(LineOf(yaml, "redirect_from"), $"'{old}' in redirect_from is not a valid slug.");
        }
        if (matter.Cta?.Url is { } ctaUrl && !StoryMarkdown.IsSafeLink(ctaUrl)) throw new ContentException(LineOf(yaml, "cta"), "cta.url must be http(s) or a path on this site.");

        var date = matter.Date is { } d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : File.GetLastWriteTimeUtc(Path.Combine(folder, Path.GetFileName(name)));
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
            Metrics = (matter.Metrics ?? []).Where(m => m.Value is not null && m.Label is not null).Select(m => new Metric(m.Value!, m.Label!)).ToList(),
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

    private void Debounce()
    {
        if (_disposed) return;
        try { _debounce?.Change(250, Timeout.Infinite); }
        catch (ObjectDisposedException) { /* disposed between the check and the call */ }
    }

    public void Dispose()
    {
        _disposed = true;
        _watcher?.Dispose();
        _debounce?.Dispose();
        _lock.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watching the content folder failed: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped content file {File} (line {Line}): {Reason}")]
    private static partial void LogSkipped(ILogger logger, string file, int line, string reason);

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

public static partial class Slugs
{
    public static bool IsValid(string? slug) => slug is not null && slug.Length <= StoryRules.SlugMax && Shape().IsMatch(slug);

    /// <summary>A slug from a title: lowercase ASCII words joined by hyphens.</summary>
    public static string From(string text)
    {
        var slug = NonWord().Replace(text.ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD), "-").Trim('-');
        if (slug.Length > 80) slug = slug[..80].TrimEnd('-');
        return slug.Length == 0 ? "story" : slug;
    }

    [GeneratedRegex(@"\A[a-z0-9]+(?:-[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    [GeneratedRegex(@"[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonWord();
}
