using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Community.Tests.Accounts.Sso;

/// <summary>
/// The real OpenID Provider in tests/oidc-provider (npm oidc-provider), run with <c>node server.js</c> on a free loopback port.
/// Its client <see cref="ClientId"/> accepts exactly the redirect URIs given; its users are in server.js.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string ClientId = "community";
    public const string OtherClientId = "other-app";
    public const string ClientSecret = "community-test-secret-0123456789abcdef";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private OidcProvider(Process process, StringBuilder output, string issuer)
    {
        _process = process;
        _output = output;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static async Task<OidcProvider> StartAsync(params string[] redirectUris)
    {
        var folder = Folder();
        if (!File.Exists(Path.Combine(folder, "node_modules", "oidc-provider", "package.json")))
            throw new InvalidOperationException($"{folder} has no node_modules: ./test.sh runs `npm ci` there (or run it yourself).");
        var port = FreePort();
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("server.js");
        start.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["REDIRECT_URIS"] = string.Join(",", redirectUris);
        start.Environment["CLIENT_ID"] = ClientId;
        start.Environment["OTHER_CLIENT_ID"] = OtherClientId;
        start.Environment["CLIENT_SECRET"] = ClientSecret;
        var output = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        void Collect(object? _, DataReceivedEventArgs e) { if (e.Data is not null) lock (output) output.AppendLine(e.Data); }
        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var provider = new OidcProvider(process, output, $"http://127.0.0.1:{port}");
        await provider.WaitUntilReadyAsync();
        return provider;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The OpenID Provider exited: {Output}");
            try
            {
                using var response = await http.GetAsync(Issuer + "/.well-known/openid-configuration");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The OpenID Provider did not answer: {Output}");
            await Task.Delay(50); // polling a condition (the port answering), bounded by the deadline above
        }
    }

    /// <summary>The settings that point Community at this provider.</summary>
    public Dictionary<string, string?> Settings(string displayName = "Acme") => new()
    {
        ["Sso:Oidc:Authority"] = Issuer,
        ["Sso:Oidc:ClientId"] = ClientId,
        ["Sso:Oidc:ClientSecret"] = ClientSecret,
        ["Sso:Oidc:DisplayName"] = displayName,
        ["Sso:Oidc:Scopes"] = "acme",
        ["Sso:Oidc:RequireHttpsMetadata"] = "false",
        ["Sso:Oidc:AllowPrivateAddresses"] = "true",
        ["Sso:CustomAttributes:0"] = "region",
        ["Sso:GroupRoles:community-moderators"] = "Moderator",
    };

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Folder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "oidc-provider", "server.js"))) dir = dir.Parent;
        return dir is null ? throw new DirectoryNotFoundException("tests/oidc-provider not found above " + AppContext.BaseDirectory)
            : Path.Combine(dir.FullName, "tests", "oidc-provider");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException) { } // already gone
        _process.Dispose();
    }
}
