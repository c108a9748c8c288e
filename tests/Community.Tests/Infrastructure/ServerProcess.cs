using System.Diagnostics;

namespace Community.Tests.Infrastructure;

/// <summary>The real server process, started as an operator starts it, for start-up checks that end the process.</summary>
public static class ServerProcess
{
    public sealed record Exit(int Code, string Stdout, string Stderr);

    /// <summary>Runs Community.Web.dll with <paramref name="args"/>; null when it was still serving after the cap (it is then killed).</summary>
    public static async Task<Exit?> RunUntilExitAsync(
        string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Community.Web.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
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
            return null;
        }
        return new Exit(server.ExitCode, await stdout, await stderr);
    }
}
