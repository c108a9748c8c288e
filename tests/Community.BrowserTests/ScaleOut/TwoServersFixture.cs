using Community.BrowserTests.Infrastructure;
using Npgsql;

namespace Community.BrowserTests.ScaleOut;

/// <summary>
/// Two real servers behind nginx on a fresh database of the shared test PostgreSQL (COMMUNITY_TEST_POSTGRES, set by
/// test.sh), and Debian's Chromium. Without that variable nothing starts and the tests skip (<see cref="TwoServersFactAttribute"/>).
/// </summary>
public sealed class TwoServersFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _database;

    public ServerPair Pair { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (TwoServersFactAttribute.AdminConnection is not { } admin) return;
        Assertions.SetDefaultExpectTimeout(BrowserFixture.WaitCeilingMs);
        _database = "community_pair_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE DATABASE {_database}");
        Pair = await ServerPair.StartAsync(new NpgsqlConnectionStringBuilder(admin) { Database = _database }.ConnectionString);
        _playwright = await Playwright.CreateAsync();
        _browser = await BrowserFixture.LaunchChromiumAsync(_playwright);
    }

    /// <summary>A new person (own cookies) whose pages load from <paramref name="baseUrl"/>: one server, or nginx.</summary>
    public async Task<IPage> NewPersonAsync(string baseUrl)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(BrowserFixture.WaitCeilingMs);
        return await context.NewPageAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (Pair is not null) await Pair.DisposeAsync();
        if (_database is not null) await ExecuteAsync(TwoServersFactAttribute.AdminConnection!, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");
    }
}

[CollectionDefinition(Name)]
public sealed class TwoServersCollection : ICollectionFixture<TwoServersFixture>
{
    public const string Name = "two servers";
}

/// <summary>A test on two real servers behind nginx: needs the test PostgreSQL test.sh starts (skipped, saying why, without it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TwoServersFactAttribute : FactAttribute
{
    public static string? AdminConnection => Environment.GetEnvironmentVariable("COMMUNITY_TEST_POSTGRES") is { Length: > 0 } c ? c : null;

    public TwoServersFactAttribute()
    {
        if (AdminConnection is null) Skip = "COMMUNITY_TEST_POSTGRES is not set (./test.sh starts PostgreSQL and sets it).";
    }
}
