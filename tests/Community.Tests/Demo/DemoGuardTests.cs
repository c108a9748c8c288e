using System.Diagnostics;
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
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = demo.Folder,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Community.Web.dll"), "--urls", "http://127.0.0.1:0", "--Demo:Seed=false",
            $"--Database:ConnectionString=Data Source={demo.Database}", $"--AppRoot={demo.Folder}", "--Publishing:WarmOnStart=false",
        })
        {
            start.ArgumentList.Add(arg);
        }
        using var server = Process.Start(start)!;
        var stderr = server.StandardError.ReadToEndAsync();
        var stdout = server.StandardOutput.ReadToEndAsync();
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // a server that starts anyway never exits
        try
        {
            await server.WaitForExitAsync(cap.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill(entireProcessTree: true);
            Assert.Fail("The server started and served a database holding the demo accounts.\n" + await stdout);
        }

        var message = await stderr;
        Assert.Equal(DemoGuard.ExitCode, server.ExitCode);
        Assert.Contains("holds the demo community", message, StringComparison.Ordinal);
        Assert.Contains("rm -rf data", message, StringComparison.Ordinal);
        Assert.Contains("without --no-demo", message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal); // a message, not a stack trace
    }
}
