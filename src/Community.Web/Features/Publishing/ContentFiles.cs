using Community.Web.Features.Media;

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
    private static readonly (string Folder, string Kind)[] Folders =
        [("spotlights", StoryKinds.Spotlight), ("case-studies", StoryKinds.CaseStudy)];

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
        _watcher = new FileSystemWatcher(_root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
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
                        if (stories.Any(s => s.Slug == story.Slug))
                        {
                            throw new ContentException(1, $"slug '{story.Slug}' is already used by another file.");
                        }
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
}
