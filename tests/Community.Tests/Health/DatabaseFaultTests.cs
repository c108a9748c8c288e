using System.Net.Sockets;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Features.Health;
using Npgsql;

namespace Community.Tests.Health;

/// <summary>PostgreSQL away: the server says so at start and exits; while running it answers 503 with Retry-After, never a 500.</summary>
public sealed class DatabaseFaultTests
{
    private sealed class ProxiedServer(string connectionString) : ForumFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = connectionString;
            return settings;
        }
    }

    [Fact]
    public async Task An_unreachable_database_at_start_is_one_clear_line_and_a_non_zero_exit()
    {
        var closed = new TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
        var folder = Directory.CreateTempSubdirectory("community-nodb-").FullName;
        try
        {
            var exit = await ServerProcess.RunUntilExitAsync(folder,
            [
                "--urls", "http://127.0.0.1:0", "--Demo:Seed=false", "--Site:PublicBaseUrl=http://127.0.0.1:5000", $"--AppRoot={folder}",
                "--Publishing:WarmOnStart=false", "--Database:Provider=Postgres",
                $"--Database:ConnectionString=Host=127.0.0.1;Port={port};Username=community;Password=community;Database=community;Timeout=5",
            ]);
            Assert.True(exit is not null, "The server kept running without its database.");
            Assert.Equal(DatabaseFaults.ExitCode, exit.Code);
            var line = Assert.Single(exit.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Contains($"PostgreSQL database at 127.0.0.1:{port} is unreachable", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", exit.Stderr, StringComparison.Ordinal);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [PostgresFact]
    public async Task While_the_database_is_away_health_is_503_cached_reads_are_served_and_writes_answer_503_with_retry_after_then_recover()
    {
        await using var database = await Databases.CreatePostgresAsync();
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var proxy = new TcpProxy(direct.Host!, direct.Port);
        var proxied = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 5 };
        await using var server = new ProxiedServer(proxied.ConnectionString);
        using var admin = await server.MemberAsync("Fault Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(admin, category.Id);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz")).StatusCode);
        // A visitor has read the thread and the category list: both are in the server's caches now.
        using var visitor = server.CreateClient();
        var windowUrl = new Uri($"/api/threads/{thread.Thread.Id}/posts", UriKind.Relative);
        var before = await (await visitor.GetAsync(windowUrl)).Content.ReadAsStringAsync();
        var categories = await (await visitor.GetAsync(new Uri("/api/categories", UriKind.Relative))).Content.ReadAsStringAsync();

        proxy.Cut();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await admin.GetAsync("/healthz")).StatusCode);
        // Reads the caches hold are still served while the database is away.
        var cachedWindow = await visitor.GetAsync(windowUrl);
        Assert.Equal(HttpStatusCode.OK, cachedWindow.StatusCode);
        Assert.Equal(before, await cachedWindow.Content.ReadAsStringAsync());
        var cachedCategories = await visitor.GetAsync(new Uri("/api/categories", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, cachedCategories.StatusCode);
        Assert.Equal(categories, await cachedCategories.Content.ReadAsStringAsync());
        var refused = await admin.PostAsync($"/api/threads/{thread.Thread.Id}/posts", new { body = "written while the database is away" });
        var problem = await ApiClient.ProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("database is unreachable", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(DatabaseFaults.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain("   at ", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        proxy.Restore();
        var health = await Eventually.ValueAsync(async () => (await admin.GetAsync("/healthz")).StatusCode, s => s == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, health);
        await Forum.ReplyAsync(admin, thread.Thread.Id, "written once it is back");
        var window = await Forum.WindowAsync(admin, thread.Thread.Id);
        Assert.Equal(["written once it is back"], window.Posts.Skip(1).Select(p => p.Html.Replace("<p>", "").Replace("</p>", "").Trim()));
    }
}
