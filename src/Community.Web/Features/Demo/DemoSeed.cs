using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Demo;

/// <summary>A feature's share of the demo community (categories and threads, a spotlight, referrals...).</summary>
public interface IDemoContent
{
    /// <summary>Lower runs first.</summary>
    int Order { get; }
    Task SeedAsync(DemoMembers members, CancellationToken ct);
}

/// <summary>The demo people, by key: admin, moderator, marketer, and members ana, ben, chloe, dev.</summary>
public sealed class DemoMembers(IReadOnlyDictionary<string, Member> byKey)
{
    public Member this[string key] => byKey[key];
    public IEnumerable<Member> All => byKey.Values;
}

/// <summary>Seeds a small believable community on first start when <c>Demo:Seed</c> is true. Never runs on a database that has members.</summary>
public static partial class DemoSeed
{
    public const string AdminEmail = "admin@demo.community";
    public const string Password = "demo-community-2026";

    private static readonly (string Key, string Email, string Name, string Bio, string? Role)[] People =
    [
        ("admin", AdminEmail, "Dana Admin", "Runs this community.", Roles.Admin),
        ("moderator", "mo@demo.community", "Mo Rivera", "Community moderator. Be kind, be specific.", Roles.Moderator),
        ("marketer", "mia@demo.community", "Mia Chen", "Customer marketing. I write our customer stories.", Roles.Marketing),
        ("ana", "ana@demo.community", "Ana Lima", "Ops lead at Northwind. Automating all the things.", null),
        ("ben", "ben@demo.community", "Ben Okafor", "Solo founder, heavy API user.", null),
        ("chloe", "chloe@demo.community", "Chloe Martin", "Data analyst. Dashboards and coffee.", null),
        ("dev", "dev@demo.community", "Dev Patel", "Engineer at Contoso; integrations and webhooks.", null),
    ];

    /// <summary>Every demo account's email (all share <see cref="Password"/>).</summary>
    public static IEnumerable<string> Emails => People.Select(p => p.Email);

    public static async Task RunAsync(IServiceProvider services, ILogger logger, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<CommunityDb>();
        if (await db.Users.AnyAsync(ct)) return;
        var registration = services.GetRequiredService<MemberRegistration>();
        var created = new Dictionary<string, Member>(StringComparer.Ordinal);
        var joined = DateTime.UtcNow.AddDays(-120);
        foreach (var (key, email, name, bio, role) in People)
        {
            var (member, result) = await registration.CreateAsync(email, name, Password, emailConfirmed: true, role is null ? [] : [role]);
            if (member is null)
                throw new InvalidOperationException("Demo seeding failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
            member.Bio = bio;
            member.JoinedAt = joined = joined.AddDays(9);
            created[key] = member;
        }
        await db.SaveChangesAsync(ct);
        var members = new DemoMembers(created);
        foreach (var content in services.GetServices<IDemoContent>().OrderBy(c => c.Order))
        {
            await content.SeedAsync(members, ct);
        }
        LogSeeded(logger, AdminEmail);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo community seeded. Sign in as {Email} with the demo password from the README "
        + "(demo only; a real site runs with Demo:Seed=false).")]
    private static partial void LogSeeded(ILogger logger, string email);
}
