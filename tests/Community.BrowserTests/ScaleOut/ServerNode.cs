using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Community.BrowserTests.ScaleOut;

/// <summary>
/// One real server process (the Release build of Community.Web.dll, started as an operator starts it) on a free loopback
/// port. It can be killed with SIGKILL and started again on the same port and settings.
/// </summary>
public sealed class ServerNode : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _args;
    private readonly List<string> _log = [];
    private Process? _process;

    private ServerNode(string name, int port, IReadOnlyList<string> args)
    {
        Name = name;
        Port = port;
        _args = args;
    }

    public string Name { get; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Starts the server with <paramref name="settings"/> (configuration keys) and waits until /healthz answers 200.</summary>
    public static async Task<ServerNode> StartAsync(string name, IDictionary<string, string> settings)
    {
        var port = FreePort();
        var web = Path.Combine(RepoRoot(), "src", "Community.Web");
        var args = new List<string> { Path.Combine(web, "bin", BuildConfiguration(), "net10.0", "Community.Web.dll"),
            "--contentRoot", web, "--urls", $"http://127.0.0.1:{port}" };
        args.AddRange(settings.Select(s => $"--{s.Key}={s.Value}"));
        var node = new ServerNode(name, port, args);
        await node.StartAgainAsync();
        return node;
    }

    /// <summary>Starts the process again (after <see cref="KillAsync"/>) on the same port and settings; waits until healthy.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in _args) start.ArgumentList.Add(arg);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(120); // the first start JITs everything and migrates on two busy cores
        while (true)
        {
            try
            {
                if ((await http.GetAsync(Url + "/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (process.HasExited) throw new InvalidOperationException($"{Name} exited with {process.ExitCode}:\n{Tail()}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not become healthy:\n{Tail()}");
            await Task.Delay(100);
        }
    }

    // Every line is kept (the request log is off in these tests, so there are few) for Tail and CountLines.
    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_log) _log.Add(line);
    }

    /// <summary>The last lines the server wrote (standard output and error), for failure messages.</summary>
    public string Tail()
    {
        lock (_log) return string.Join('\n', _log.TakeLast(60));
    }

    /// <summary>How many lines the server has written (over all its starts) that contain <paramref name="text"/>.</summary>
    public int CountLines(string text)
    {
        lock (_log) return _log.Count(l => l.Contains(text, StringComparison.Ordinal));
    }

    /// <summary>SIGTERM, as a deploy stops a server, and wait for the process to end; returns how long the stop took.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        if (_process is not { HasExited: false } process) return TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cap.Token);
        return watch.Elapsed;
    }

    /// <summary>SIGKILL: a crash, nothing flushed, sockets cut.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await _process.WaitForExitAsync(cap.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    /// <summary>A loopback port nobody listens on now (the kernel's choice, released at once).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Community.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Community.sln not found above " + AppContext.BaseDirectory);
    }

    // The tests run from tests/Community.BrowserTests/bin/<Configuration>/net10.0: the server was built with the same one.
    private static string BuildConfiguration() => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
}
