using System.Diagnostics;
using System.Net.Http.Headers;

namespace Community.Bench;

/// <summary>
/// bench/Reference, started next to the site: for a read row it is handed the exact response Community gave (bytes,
/// content type, encoding) and measured with the same wrk settings, so the row's ratio compares like with like.
/// </summary>
internal sealed class ReferenceApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new();
    private readonly HttpClient _fetch = new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None, UseCookies = false });
    public string Url { get; }

    private ReferenceApp(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public static async Task<ReferenceApp> StartAsync(string repo, int port)
    {
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(repo, "bench/Reference/bin/Release/net10.0/Community.Bench.Reference.dll"), "--urls", url }) info.ArgumentList.Add(arg);
        var app = new ReferenceApp(Process.Start(info)!, url);
        app._process.OutputDataReceived += (_, _) => { };
        app._process.ErrorDataReceived += (_, _) => { };
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.ServeAsync("small", "ok"u8.ToArray(), "text/plain", "");
        return app;
    }

    /// <summary>Serves what <paramref name="url"/> answers (asked the way wrk asks, gzip accepted) and returns the reference URL.</summary>
    public async Task<string> MirrorAsync(string url, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        using var response = await _fetch.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var name = "m" + Guid.NewGuid().ToString("N")[..8];
        await ServeAsync(name, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream",
            string.Join(',', response.Content.Headers.ContentEncoding));
        return $"{Url}/{name}";
    }

    /// <summary>The same wrk run against the mirrored response.</summary>
    public async Task<LoadResult> MeasureAsync(string url, int seconds, string? cookie = null) =>
        await Wrk.RunAsync(await MirrorAsync(url, cookie), seconds: seconds);

    private async Task ServeAsync(string name, byte[] bytes, string contentType, string encoding)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                using var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                using var request = new HttpRequestMessage(HttpMethod.Put, $"{Url}/__bytes/{name}") { Content = content };
                if (encoding.Length > 0) request.Headers.Add("X-Content-Encoding", encoding);
                (await _http.SendAsync(request)).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (i < 100 && !_process.HasExited) { await Task.Delay(200); }
        }
    }

    public double RssMiB() => Server.RssOf(_process.Id);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _fetch.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
