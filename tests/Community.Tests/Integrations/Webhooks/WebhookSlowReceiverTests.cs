using System.Net.Sockets;
using Community.Web.Features.Integrations;
using Community.Web.Features.Integrations.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>Issue #12: the 10 s timeout bounds the whole attempt. A receiver that answers its headers at once and then trickles
/// the body forever must not hold a delivering loop (and every delivery in its batch) hostage.</summary>
public sealed class WebhookSlowReceiverTests
{
    [Fact]
    public async Task A_receiver_that_trickles_its_answer_times_out_like_one_that_never_answers()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            http.Response.StatusCode = 200;
            await http.Response.StartAsync(http.RequestAborted);
            while (!http.RequestAborted.IsCancellationRequested)
            {
                await http.Response.WriteAsync(".", http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
                await Task.Delay(100, http.RequestAborted);
            }
        });
        await app.StartAsync();

        var options = new WebhookOptions { AllowHttp = true, AllowPrivateTargets = true, TimeoutSeconds = 1 };
        using var sender = new WebhookSender(options, new WebhookTargets(options));
        var e = new WebhookEvent { Id = "msg_slow", Type = WebhookTypes.Test, Data = "{}", CreatedAt = DateTime.UtcNow };
        var result = await sender.SendAsync($"http://127.0.0.1:{port}/hooks", e, ["whsec_" + Convert.ToBase64String(new byte[24])],
            DateTime.UtcNow, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(result.Success);
        Assert.Equal("Timed out.", result.Excerpt);
    }
}
