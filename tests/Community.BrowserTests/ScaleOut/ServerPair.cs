using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.ScaleOut;

/// <summary>
/// Two real servers on one PostgreSQL database behind nginx, configured as docs/operations.md tells an operator: one
/// data-protection keys folder and one media folder shared by both, Site:PublicBaseUrl = nginx's address, forwarded
/// headers on. Mail goes to one shared pickup folder, so a member can confirm whichever server sent the message.
/// </summary>
public sealed class ServerPair : IAsyncDisposable
{
    public const string AdminEmail = "scaleout-admin@example.com";

    private ServerPair(string folder) => Folder = folder;

    public string Folder { get; }
    public ServerNode One { get; private set; } = null!;
    public ServerNode Two { get; private set; } = null!;
    public Nginx Nginx { get; private set; } = null!;
    public IReadOnlyList<ServerNode> Servers => [One, Two];
    public string MailFolder => Path.Combine(Folder, "mail");

    public static async Task<ServerPair> StartAsync(string connectionString)
    {
        var pair = new ServerPair(Directory.CreateTempSubdirectory("community-pair-").FullName);
        try
        {
            var nginxPort = ServerNode.FreePort();
            var settings = new Dictionary<string, string>
            {
                ["Database:Provider"] = "Postgres",
                ["Database:ConnectionString"] = connectionString,
                ["DataProtection:KeysFolder"] = Path.Combine(pair.Folder, "keys"),
                ["Media:Root"] = Path.Combine(pair.Folder, "media"),
                ["Mail:PickupFolder"] = pair.MailFolder,
                ["Site:PublicBaseUrl"] = $"http://127.0.0.1:{nginxPort}",
                ["ForwardedHeaders:Enabled"] = "true",
                ["Admin:Email"] = AdminEmail,
                ["Admin:Password"] = ApiClient.DefaultPassword,
                ["Demo:Seed"] = "false",
                ["Publishing:WarmOnStart"] = "false",
                ["Publishing:WatchContent"] = "false",
                ["RateLimits:AuthPerWindow"] = "10000",
                ["RateLimits:SearchPerWindow"] = "10000",
                ["Forums:PostsPerMinute"] = "10000",
                ["Forums:NewMemberPostsPerMinute"] = "10000",
                ["Logging:LogLevel:Community.RequestLog"] = "Warning",
            };
            // One after the other: the first migrates the database and writes the key ring the second then reads.
            pair.One = await ServerNode.StartAsync("server 1", settings);
            pair.Two = await ServerNode.StartAsync("server 2", settings);
            pair.Nginx = await Nginx.StartAsync(pair.Servers, nginxPort);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>An API client (cookies kept, CSRF header on writes) against <paramref name="baseUrl"/>: a server or nginx.</summary>
    public ApiClient Client(string baseUrl) =>
        new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(baseUrl) },
            new Mailbox(MailFolder));

    /// <summary>The admin the servers created at start-up, signed in at <paramref name="baseUrl"/>.</summary>
    public async Task<ApiClient> AdminAsync(string baseUrl)
    {
        var admin = Client(baseUrl);
        await admin.SignInAsync(AdminEmail);
        return admin;
    }

    /// <summary>A new category (made by the admin) holding one thread; returns the thread's id and page address.</summary>
    public async Task<(long Id, string Url)> ThreadAsync(string title)
    {
        using var admin = await AdminAsync(One.Url);
        var slug = "s-" + Guid.NewGuid().ToString("N")[..10];
        var category = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/categories",
            new { name = "Scale-out " + slug, slug, description = "Two-server tests" }), HttpStatusCode.Created);
        var created = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/threads",
            new { categoryId = category.GetProperty("id").GetInt32(), title, body = "Which **region** do your servers run in?" }),
            HttpStatusCode.Created);
        var thread = created.GetProperty("thread");
        return (thread.GetProperty("id").GetInt64(), thread.GetProperty("url").GetString()!);
    }

    /// <summary>What each server wrote last, for failure messages.</summary>
    public string Logs() => $"--- {One.Name}:\n{One.Tail()}\n--- {Two.Name}:\n{Two.Tail()}\n--- nginx:\n{Nginx?.ErrorLog()}";

    public async ValueTask DisposeAsync()
    {
        if (Nginx is not null) await Nginx.DisposeAsync();
        if (Two is not null) await Two.DisposeAsync();
        if (One is not null) await One.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
