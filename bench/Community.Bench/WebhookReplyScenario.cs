using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Community.Bench;

/// <summary>
/// Issue #12: "enabling 3 webhook endpoints adds ≤ 5% to the reply benchmark's p99". The same reply burst runs on one server with
/// three endpoints (post.created, thread.created, to a loopback receiver) disabled, then enabled, alternating for three rounds so
/// drift on a shared machine hits both sides; between rounds the delivery backlog drains. The row compares the median p99s.
/// </summary>
internal static class WebhookReplyScenario
{
    private const int Rounds = 3;
    private static readonly string[] Types = ["post.created", "thread.created"];

    public static async Task RunAsync(string repo, int port, Report report, int seconds)
    {
        var received = 0L;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port + 1}");
        await using var receiver = builder.Build();
        receiver.MapPost("/hooks", () =>
        {
            Interlocked.Increment(ref received);
            return Results.NoContent();
        });
        await receiver.StartAsync();

        await using var server = await Server.StartAsync(repo, port, null, "--Webhooks:AllowHttp=true", "--Webhooks:AllowPrivateTargets=true");
        using var admin = await BenchClient.SignInAsync(server.Url, Server.AdminEmail, Server.AdminPassword);
        var category = await admin.PostJsonAsync("/api/categories",
            new { name = "Webhook bench", slug = "webhook-bench", description = "Replies with and without webhooks", position = 98, isQa = false });
        var threads = await ForumsScenario.BusyThreadsAsync(admin, category.GetProperty("id").GetInt32());
        var endpoints = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var created = await admin.PostJsonAsync("/api/admin/integrations/webhooks", new
            {
                url = $"http://127.0.0.1:{port + 1}/hooks", description = $"bench {i + 1}", eventTypes = Types,
                enabled = false,
            });
            endpoints.Add(created.GetProperty("endpoint").GetProperty("id").GetString()!);
        }
        await ForumsScenario.ReplyBurstAsync(server, admin, threads, Math.Max(2, seconds / 3)); // warm-up, not counted

        var without = new List<double>();
        var with = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            await SetEnabledAsync(admin, endpoints, false);
            await DrainAsync(() => Interlocked.Read(ref received));
            without.Add((await ForumsScenario.ReplyBurstAsync(server, admin, threads, seconds)).P99);
            await SetEnabledAsync(admin, endpoints, true);
            with.Add((await ForumsScenario.ReplyBurstAsync(server, admin, threads, seconds)).P99);
        }
        await DrainAsync(() => Interlocked.Read(ref received));
        var (off, on) = (Median(without), Median(with));
        var added = (on / off - 1) * 100;
        report.Add("Webhooks", "reply burst p99 with 3 enabled webhook endpoints vs none (median of 3 alternating rounds)", "≤ +5%",
            $"{Report.F(on, "0.0")} ms vs {Report.F(off, "0.0")} ms ({(added >= 0 ? "+" : "")}{Report.F(added, "0.0")}%; " +
            $"rounds off {string.Join("/", without.Select(x => Report.F(x, "0.0")))}, on {string.Join("/", with.Select(x => Report.F(x, "0.0")))}; " +
            $"{Interlocked.Read(ref received):N0} deliveries)", added <= 5, null);
        await receiver.StopAsync();
    }

    private static async Task SetEnabledAsync(BenchClient admin, List<string> endpoints, bool enabled)
    {
        foreach (var id in endpoints)
            (await admin.PostAsync($"/api/admin/integrations/webhooks/{id}/{(enabled ? "enable" : "disable")}", new { })).Dispose();
    }

    /// <summary>Waits until the receiver has seen nothing new for a second: the previous round's deliveries are done.</summary>
    private static async Task DrainAsync(Func<long> count)
    {
        var last = -1L;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var now = count();
            if (now == last) return;
            last = now;
            await Task.Delay(1000);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
