using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>The real server process killed with SIGKILL while deliveries are queued and one is in flight: the next start delivers
/// every one of them (the in-flight one once its lease runs out), none lost.</summary>
public sealed class WebhookCrashTests
{
    private const string AdminEmail = "ops@example.com";

    [Fact]
    public async Task Deliveries_queued_when_the_server_is_killed_are_delivered_after_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("community-webhook-crash-").FullName;
        await using var receiver = new WebhookReceiver { Hold = true };
        await receiver.StartAsync();
        try
        {
            var eventIds = new List<string>();
            using (var first = await RunningServer.StartAsync(folder))
            {
                using var http = await first.SignedInAdminAsync(AdminEmail, ApiClient.DefaultPassword);
                var created = await Json(await Send(http, HttpMethod.Post, WebhookKit.Api,
                    new { url = receiver.Url, description = "crash", eventTypes = new[] { "thread.created" } }));
                receiver.Secret = created.GetProperty("secret").GetString()!;
                var id = created.GetProperty("endpoint").GetProperty("id").GetString();
                for (var i = 0; i < 5; i++)
                    eventIds.Add((await Json(await Send(http, HttpMethod.Post, $"{WebhookKit.Api}/{id}/test"))).GetProperty("eventId").GetString()!);

                // One delivery is in flight (the receiver holds it), the rest wait behind it: now the server dies.
                await Eventually.TrueAsync(() => receiver.HeldCount >= 1);
                first.Kill();
            }
            receiver.ReleaseHeld();
            Assert.Empty(receiver.Delivered);

            using var second = await RunningServer.StartAsync(folder);
            await Eventually.TrueAsync(() => receiver.Delivered.Count == 5, () => string.Join(", ", receiver.Requests.Select(r => r.Refusal)),
                TimeSpan.FromSeconds(60));
            Assert.Equal(eventIds.Order(), receiver.Delivered.Order());
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<HttpResponseMessage> Send(HttpClient http, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body ?? new { }) };
        request.Headers.Add("X-CSRF-TOKEN", await RunningServer.CsrfAsync(http));
        return await http.SendAsync(request);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Community.Web.dll started as an operator starts it, with an admin from configuration and webhooks allowed to loopback.</summary>
    private sealed class RunningServer : IDisposable
    {
        private readonly Process _process;

        private RunningServer(Process process, string baseUrl)
        {
            _process = process;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public static async Task<RunningServer> StartAsync(string folder)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Community.Web.dll"));
            foreach (var arg in new[]
            {
                "--urls", $"http://127.0.0.1:{port}", "--Demo:Seed=false", $"--AppRoot={folder}", "--Publishing:WarmOnStart=false",
                $"--Admin:Email={AdminEmail}", $"--Admin:Password={ApiClient.DefaultPassword}", "--Logging:LogLevel:Default=Warning",
                "--Webhooks:AllowHttp=true", "--Webhooks:AllowPrivateTargets=true", "--Webhooks:TimeoutSeconds=2",
                "--Webhooks:LeaseSeconds=4", "--Webhooks:PollMilliseconds=100",
            }) start.ArgumentList.Add(arg);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new RunningServer(process, $"http://127.0.0.1:{port}");
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                Assert.False(process.HasExited, "The server exited while starting.");
                try
                {
                    if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return server;
                }
                catch (HttpRequestException) { }
                Assert.True(DateTime.UtcNow < deadline, "The server did not start within 90 s.");
                await Task.Delay(200);
            }
        }

        public async Task<HttpClient> SignedInAdminAsync(string email, string password)
        {
            var http = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer() })
            {
                BaseAddress = new Uri(BaseUrl),
            };
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/signin")
            {
                Content = JsonContent.Create(new { email, password }),
            };
            request.Headers.Add("X-CSRF-TOKEN", await CsrfAsync(http));
            var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            return http;
        }

        public static async Task<string> CsrfAsync(HttpClient http) =>
            (await http.GetFromJsonAsync<JsonElement>("/api/antiforgery")).GetProperty("token").GetString()!;

        /// <summary>SIGKILL: no shutdown, no flushing, exactly a crash.</summary>
        public void Kill()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            if (!_process.HasExited) Kill();
            _process.Dispose();
        }
    }
}
