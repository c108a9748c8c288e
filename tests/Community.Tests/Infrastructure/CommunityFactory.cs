using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Community.Tests.Infrastructure;

/// <summary>
/// The real app over HTTP (TestServer), with its own SQLite file, mail folder and keys in a temp folder,
/// and a <see cref="TestClock"/> in place of the system clock. Subclass and override <see cref="Settings"/> to change configuration.
/// </summary>
public class CommunityFactory : WebApplicationFactory<Program>
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "community-tests", Guid.NewGuid().ToString("N"));
    public TestClock Clock { get; } = new();
    public string MailFolder => Path.Combine(Folder, "mail");

    protected virtual IDictionary<string, string?> Settings() => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(Folder);
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(Folder, "community.db")}",
            ["Mail:PickupFolder"] = MailFolder,
            ["DataProtection:KeysFolder"] = Path.Combine(Folder, "keys"),
            ["Media:Root"] = Path.Combine(Folder, "media"),
            ["Publishing:WarmOnStart"] = "false",
            ["Demo:Seed"] = "false",
            ["RateLimits:AuthPerWindow"] = "10000",
            ["RateLimits:SearchPerWindow"] = "10000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Community.RequestLog"] = "Warning",
        };
        foreach (var (key, value) in Settings()) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(WarningLog.Instance));
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public ApiClient CreateApiClient() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = ClientOptions.BaseAddress }), new Mailbox(MailFolder));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

public static class CommunityFactoryExtensions
{
    /// <summary>Creates a signed-in client for a new member holding <paramref name="roles"/> (on top of Member).</summary>
    public static async Task<ApiClient> MemberAsync(this CommunityFactory factory, string displayName, params string[] roles)
    {
        var client = factory.CreateApiClient();
        var me = await client.JoinAsync(displayName);
        if (roles.Length > 0)
        {
            await factory.GrantRolesAsync(me.Id, roles);
            await client.SignInAsync(me.Email); // a fresh cookie carries the new roles
        }
        return client;
    }

    public static async Task GrantRolesAsync(this CommunityFactory factory, string memberId, params string[] roles)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Community.Web.Features.Accounts.Member>>();
        var member = await users.FindByIdAsync(memberId) ?? throw new InvalidOperationException("no such member");
        await users.AddToRolesAsync(member, roles);
        // As the admin endpoint does: open sessions pick up the roles at once.
        await scope.ServiceProvider.GetRequiredService<Community.Web.Features.Accounts.MemberSessions>().AnnounceAsync(memberId);
    }
}
