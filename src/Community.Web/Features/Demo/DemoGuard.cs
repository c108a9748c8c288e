using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Demo;

/// <summary>
/// A site started without the demo must not keep the demo's accounts: their password is published in the README,
/// so anyone could sign in as the demo admin. Start-up refuses and says what to do instead.
/// </summary>
public static class DemoGuard
{
    /// <summary>Exit code of a start-up refused because the database holds demo accounts.</summary>
    public const int ExitCode = 3;

    /// <summary>The refusal to print, or null when the database holds no demo account.</summary>
    public static async Task<string?> RefusalAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var db = services.GetRequiredService<CommunityDb>();
        var emails = DemoSeed.Emails.Select(e => e.ToUpperInvariant()).ToList();
        var found = await db.Users.CountAsync(u => u.NormalizedEmail != null && emails.Contains(u.NormalizedEmail), ct);
        if (found == 0) return null;

        var sqlite = db.Database.IsSqlite();
        var where = sqlite ? $"the SQLite database {db.Database.GetDbConnection().DataSource}" : "this PostgreSQL database";
        var fresh = sqlite
            ? "delete the data folder (rm -rf data, which also removes uploads and mail) and run ./run.sh --no-demo again"
            : "point Database:ConnectionString at a new, empty database";
        return $"""
            Community did not start: {where} holds the demo community ({found} demo accounts such as {DemoSeed.AdminEmail}).
            Their password is published in the README, so anyone could sign in as the demo admin of a real site.
              - For a real, empty site: stop, {fresh}.
              - To keep using the demo: start with the demo on (./run.sh without --no-demo, or --Demo:Seed=true).
            """;
    }
}
