using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Community.BrowserTests.ScaleOut;

/// <summary>
/// Debian's nginx (installed by test.sh), run without root rights or system files: the operator's config from
/// deploy/nginx/community.conf with only its server addresses, listen port and access log replaced, inside a generated
/// main config whose pid file, logs and temp folders all live in one temp folder.
/// </summary>
public sealed partial class Nginx : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private Nginx(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public string AccessLog => Path.Combine(_folder, "access.log");

    /// <summary>Starts nginx on <paramref name="port"/> in front of <paramref name="servers"/>; waits until it proxies /healthz.</summary>
    public static async Task<Nginx> StartAsync(IReadOnlyList<ServerNode> servers, int port)
    {
        var folder = Directory.CreateTempSubdirectory("community-nginx-").FullName;
        var site = Render(await File.ReadAllTextAsync(Path.Combine(ServerNode.RepoRoot(), "deploy", "nginx", "community.conf")),
            servers.Select(s => $"127.0.0.1:{s.Port}").ToList(), port, Path.Combine(folder, "access.log"));
        await File.WriteAllTextAsync(Path.Combine(folder, "community.conf"), site);
        // As root, nginx's workers would switch to "nobody", who may not use this folder: keep them as the current user.
        var user = Environment.UserName == "root" ? "user root root;\n" : "";
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
            {{user}}worker_processes 1;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log warn;
            events { worker_connections 4096; }
            http {
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{folder}}/community.conf;
            }
            """);
        var start = new ProcessStartInfo(Binary())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] args = ["-p", folder + "/", "-e", Path.Combine(folder, "error.log"), "-c", Path.Combine(folder, "nginx.conf"), "-g", "daemon off;"];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var nginx = new Nginx(process, folder, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                if ((await http.GetAsync(nginx.Url + "/healthz")).IsSuccessStatusCode) return nginx;
            }
            catch (HttpRequestException) { }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var why = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                await nginx.DisposeAsync();
                throw new InvalidOperationException($"nginx did not start: {why}\n{nginx.ErrorLog()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The shipped config with the test's addresses: fails loudly if the template no longer has the lines it replaces.</summary>
    public static string Render(string template, IReadOnlyList<string> servers, int port, string accessLog)
    {
        var upstreams = 0;
        var text = UpstreamBlock().Replace(template, m =>
        {
            upstreams++;
            var indent = m.Groups["indent"].Value;
            var options = m.Groups["options"].Value;
            return string.Concat(servers.Select(s => $"{indent}server {s}{options}\n"));
        });
        Assert.True(upstreams == 2, "deploy/nginx/community.conf: expected two upstream server lists");
        Assert.Single(Listen().Matches(text));
        Assert.Single(AccessLogLine().Matches(text));
        text = Listen().Replace(text, $"listen 127.0.0.1:{port};");
        return AccessLogLine().Replace(text, $"access_log {accessLog} community;");
    }

    /// <summary>Which server (host:port) answered each logged request whose line contains <paramref name="marker"/>.</summary>
    public IReadOnlyList<string> UpstreamsOf(string marker) => !File.Exists(AccessLog) ? [] :
        File.ReadLines(AccessLog).Where(l => l.Contains(marker, StringComparison.Ordinal))
            .Select(l => UpstreamField().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

    public string ErrorLog()
    {
        var path = Path.Combine(_folder, "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    private static string Binary() => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // the master and its worker
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    // The consecutive "server host:port options;" lines of one upstream block, as one match.
    [GeneratedRegex(@"(?m)^(?<indent>[ \t]+)server [^\s;]+(?<options>[^\n]*;)\n(?:[ \t]+server [^\n]*\n)*")]
    private static partial Regex UpstreamBlock();

    [GeneratedRegex(@"listen \d+;")]
    private static partial Regex Listen();

    [GeneratedRegex(@"access_log \S+ community;")]
    private static partial Regex AccessLogLine();

    [GeneratedRegex(@"upstream=(\S+)")]
    private static partial Regex UpstreamField();
}
