using System.Diagnostics;

namespace Community.Bench;

/// <summary>The real site, Release build, on its own port and temp folder, started and stopped by the bench.</summary>
internal sealed class Server : IAsyncDisposable
{
    public const string AdminEmail = "bench-admin@bench.local";
    public const string AdminPassword = "bench admin passphrase 2026";

    private readonly Process _process;
    public string Url { get; }
    public string Folder { get; }
    public int Pid => _process.Id;

    private Server(Process process, string url, string folder)
    {
        _process = process;
        Url = url;
        Folder = folder;
    }

    public static Task<Server> StartAsync(string repo, int port, params string[] extra) => StartAsync(repo, port, null, extra);

    /// <summary>Starts on <paramref name="folder"/> (a restart on existing data) or on a new temp folder.</summary>
    public static async Task<Server> StartAsync(string repo, int port, string? folder, params string[] extra)
    {
        var keep = folder is not null;
        folder ??= Directory.CreateTempSubdirectory("community-bench").FullName;
        var url = $"http://127.0.0.1:{port}";
        var dll = Path.Combine(repo, "src/Community.Web/bin/Release/net10.0/Community.Web.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repo,
        };
        foreach (var arg in new[]
        {
            dll, "--contentRoot", Path.Combine(repo, "src/Community.Web"), "--urls", url, $"--Site:PublicBaseUrl={url}",
            $"--Database:ConnectionString=Data Source={Path.Combine(folder, "bench.db")}",
            $"--Mail:PickupFolder={Path.Combine(folder, "mail")}",
            $"--DataProtection:KeysFolder={Path.Combine(folder, "keys")}",
            $"--Media:Root={Path.Combine(folder, "media")}",
            "--Demo:Seed=true",
            $"--Admin:Email={AdminEmail}", $"--Admin:Password={AdminPassword}",
            "--RateLimits:AuthPerWindow=100000",
            $"--Embed:Secret={EmbedScenario.Secret}",
            "--Sso:Connect:Url=http://127.0.0.1:9/connect", $"--Sso:Connect:Secret={SsoScenario.Secret}", "--Sso:Connect:Name=Bench Product",
            // The bench writes far faster than any person may; production limits stay as configured.
            "--Forums:PostsPerMinute=1000000", "--Forums:NewMemberPostsPerMinute=1000000", "--Forums:VotesPerMinute=1000000",
            "--RateLimits:SearchPerWindow=1000000",
            // Logging stays as shipped (request log at Information, on stdout): the bench measures a default install.
        }.Concat(extra))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        // Drained in large reads and only the tail kept: the request log writes a line per request.
        _ = Task.Run(() => DrainAsync(process.StandardOutput.BaseStream));
        _ = Task.Run(() => DrainAsync(process.StandardError.BaseStream));
        var server = new Server(process, url, folder) { KeepFolder = keep };
        using var http = new HttpClient();
        // A loaded machine can take minutes to start (first JIT, demo images): wait up to five.
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync(url + "/healthz")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            if (process.HasExited) throw new InvalidOperationException("The server exited:\n" + string.Join("\n", Log.TakeLast(40)));
            await Task.Delay(500);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The server did not become healthy:\n" + string.Join("\n", Log.TakeLast(40)));
    }

    private static readonly object Tail = new();
    private static string _tail = "";

    /// <summary>The last few kilobytes the servers wrote (for errors).</summary>
    public static IEnumerable<string> Log { get { lock (Tail) return _tail.Split('\n'); } }

    private static async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, n);
            lock (Tail) _tail = (_tail + text)[Math.Max(0, _tail.Length + text.Length - 8192)..];
        }
    }

    /// <summary>CPU time (user + system) the server has used so far, in seconds.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of /proc/pid/stat (utime, stime), counted after the command name; clock ticks are 100 per second on Linux.
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>Leave the data folder in place on dispose (the next server restarts on it).</summary>
    public bool KeepFolder { get; set; }

    /// <summary>Resident memory of the server process, in MiB.</summary>
    public double RssMiB() => RssOf(Pid);

    public static double RssOf(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        }
        return double.NaN;
    }

    /// <summary>SIGKILL: a crash, no chance to flush anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait: a graceful stop, like a deploy.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        _process.Dispose();
        if (!KeepFolder) { try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } }
    }
}
