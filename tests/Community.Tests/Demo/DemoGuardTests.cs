using Community.Tests.Infrastructure;
using Community.Web.Features.Demo;

namespace Community.Tests.Demo;

/// <summary>The demo community seeded into a database that a later start without the demo is pointed at.</summary>
public sealed class SeededDemoFactory : CommunityFactory
{
    public string Database => Path.Combine(Folder, "community.db");

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Demo:Seed"] = "true" };
}

public sealed class DemoGuardTests
{
    [Fact]
    public async Task Starting_without_the_demo_on_a_database_with_demo_accounts_refuses_and_says_what_to_do()
    {
        using var demo = new SeededDemoFactory();
        using (var client = demo.CreateApiClient()) await client.SignInAsync(DemoSeed.AdminEmail, DemoSeed.Password);

        // The real server process, as ./run.sh --no-demo starts it, on the database the demo ran on.
        var exit = await ServerProcess.RunUntilExitAsync(demo.Folder,
        [
            "--urls", "http://127.0.0.1:0", "--Demo:Seed=false", "--Site:PublicBaseUrl=http://127.0.0.1:5000",
            $"--Database:ConnectionString=Data Source={demo.Database}", $"--AppRoot={demo.Folder}", "--Publishing:WarmOnStart=false",
        ]);
        Assert.True(exit is not null, "The server started and served a database holding the demo accounts.");
        var message = exit.Stderr;
        Assert.Equal(DemoGuard.ExitCode, exit.Code);
        Assert.Contains("holds the demo community", message, StringComparison.Ordinal);
        Assert.Contains("rm -rf data", message, StringComparison.Ordinal);
        Assert.Contains("without --no-demo", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // a message, not a stack trace
    }
}
