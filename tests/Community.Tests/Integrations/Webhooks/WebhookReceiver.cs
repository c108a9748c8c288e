using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>
/// A real HTTP receiver on loopback (Kestrel) that verifies every request with the Standard Webhooks reference algorithm and
/// answers 401 when it does not verify. It can be stopped and started again on the same port, told to answer an error status,
/// or to hold requests without answering.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string Id, string Timestamp, string Signature, string Body, string? Refusal, int Answered);

    private WebApplication? _app;
    private TaskCompletionSource _release = NewRelease();

    public WebhookReceiver(Func<DateTimeOffset>? now = null)
    {
        Now = now ?? (() => DateTimeOffset.UtcNow);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/hooks";
    public Func<DateTimeOffset> Now { get; }
    /// <summary>The secrets the receiver accepts (any one); set after the endpoint is created.</summary>
    public string Secret { get; set; } = "";
    /// <summary>0: answer 200 when verified; otherwise answer this status.</summary>
    public int FailWith { get; set; }
    /// <summary>Hold each request without answering until <see cref="ReleaseHeld"/>.</summary>
    public bool Hold { get; set; }
    public ConcurrentQueue<Received> Requests { get; } = new();
    public int HeldCount => _held;
    private int _held;

    /// <summary>Distinct webhook-ids answered 2xx after verifying.</summary>
    public IReadOnlyCollection<string> Delivered => Requests.Where(r => r.Refusal is null && r.Answered is >= 200 and < 300)
        .Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        app.MapPost("/hooks", Handle);
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    public void ReleaseHeld()
    {
        Hold = false;
        _release.TrySetResult();
        _release = NewRelease();
    }

    private async Task<IResult> Handle(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var id = request.Headers["webhook-id"].ToString();
        var timestamp = request.Headers["webhook-timestamp"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        if (Hold)
        {
            // Held requests are never counted as answered: their sender may be gone (killed) by the time they are released.
            Interlocked.Increment(ref _held);
            await _release.Task;
            Requests.Enqueue(new Received(id, timestamp, signature, body, "held", 0));
            return Results.StatusCode(503);
        }
        var refusal = StandardWebhooksReference.Verify(Secret, id, timestamp, signature, body, Now());
        var status = refusal is not null ? 401 : FailWith != 0 ? FailWith : 200;
        Requests.Enqueue(new Received(id, timestamp, signature, body, refusal, status));
        return Results.Text(status == 200 ? "thanks" : refusal ?? "failing on purpose", statusCode: status);
    }

    private static TaskCompletionSource NewRelease() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await StopAsync();
    }
}
