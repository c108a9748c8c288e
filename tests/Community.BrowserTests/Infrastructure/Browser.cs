using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace Community.BrowserTests.Infrastructure;

/// <summary>
/// One server and one Debian Chromium for the whole browser collection. Each person in a test gets their own
/// browser context (own cookies), so two contexts are two people watching the same thread.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public LiveServer Server { get; private set; } = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    /// <summary>
    /// The ceiling for every condition wait (actions, expectations): never a fixed sleep, and generous because six builds
    /// may share two cores with this run. A passing wait returns as soon as its condition holds.
    /// </summary>
    public const int WaitCeilingMs = 30_000;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(WaitCeilingMs);
        Server = new LiveServer();
        _playwright = await Playwright.CreateAsync();
        _browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Debian's Chromium, headless, as every browser fixture launches it.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    });

    /// <summary>A new person: a fresh browser context with its own cookies (on another server of the test's own when given).</summary>
    public async Task<IPage> NewPersonAsync(int width = 1280, int height = 900, string? baseUrl = null)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl ?? Server.BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(WaitCeilingMs);
        var page = await context.NewPageAsync();
        page.Console += (_, message) => { if (message.Type == "error") ConsoleErrors.Add($"{page.Url}: {message.Text}"); };
        return page;
    }

    /// <summary>Browser console errors (CSP violations show up here), for tests that want none.</summary>
    public List<string> ConsoleErrors { get; } = [];

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

public static class PageChecks
{
    /// <summary>Runs axe-core and fails on serious or critical violations, listing them.</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"Accessibility violations on {page.Url}:\n" + string.Join("\n", bad.Select(Describe)));
    }

    private static string Describe(AxeResultItem v) =>
        $"- [{v.Impact}] {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target.ToString())))})";

    /// <summary>Saves a full-page screenshot under artifacts/screenshots at the repository root.</summary>
    public static async Task<string> ScreenshotAsync(this IPage page, string name)
    {
        var folder = Path.Combine(RepoRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Community.sln"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
