using System.Diagnostics;
using System.Globalization;

namespace Community.BrowserTests.ScaleOut;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb into a temp folder, a free loopback port), so a drill may restart it:
/// the shared cluster other tests use is never touched. As root, the cluster runs as the postgres system user.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _bin;

    private PrivatePostgres(string folder, string bin, int port)
    {
        _folder = folder;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=community;Database=community;Pooling=true";
    private string Data => Path.Combine(_folder, "data");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version())
            .Select(d => Path.Combine(d, "bin")).LastOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
            ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql (test.sh installs them).");
        var folder = Directory.CreateTempSubdirectory("community-pg-").FullName;
        var pg = new PrivatePostgres(folder, bin, ServerNode.FreePort());
        if (Environment.UserName == "root") await RunAsync("chown", "postgres:postgres", folder);
        await pg.AsOwnerAsync("initdb", "-D", pg.Data, "-U", "community", "-A", "trust", "--no-sync", "-E", "UTF8");
        await pg.AsOwnerAsync("pg_ctl", "-D", pg.Data, "-l", Path.Combine(folder, "log"), "-w", "-o", pg.Options(), "start");
        await pg.AsOwnerAsync("createdb", "-h", "127.0.0.1", "-p", pg.Port.ToString(CultureInfo.InvariantCulture), "-U", "community", "community");
        return pg;
    }

    private string Options() =>
        $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";

    /// <summary>A fast shutdown: every connection (the live bus's LISTEN included) is cut.</summary>
    public Task StopAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-w", "-m", "fast", "stop");

    /// <summary>Starts the stopped cluster again; waits until it accepts connections.</summary>
    public Task StartAgainAsync() => AsOwnerAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_folder, "log"), "-w", "-o", Options(), "start");

    private Task AsOwnerAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        try { await AsOwnerAsync("pg_ctl", "-D", Data, "-w", "-m", "immediate", "stop"); }
        catch (InvalidOperationException) { } // not running
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
