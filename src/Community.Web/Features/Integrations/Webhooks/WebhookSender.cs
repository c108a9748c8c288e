using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>What one attempt came to.</summary>
public sealed record AttemptResult(bool Success, int? StatusCode, int LatencyMs, string Excerpt);

/// <summary>
/// Sends one Standard Webhooks request: <c>webhook-id</c> (the event id, the same on every retry), <c>webhook-timestamp</c> (this
/// attempt), <c>webhook-signature</c> and the body <c>{type, timestamp, data}</c>. Every target goes through the outbound guard
/// (no private addresses unless allowed, no redirects); at most 256 KiB of the answer is read and 1 KB of it kept.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookTargets _targets;
    private readonly TimeSpan _timeout;

    public WebhookSender(WebhookOptions options, WebhookTargets targets)
    {
        _targets = targets;
        var timeout = _timeout = TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds));
        _http = new HttpClient(OutboundGuard.CreateHandler(options.AllowPrivateTargets, timeout), disposeHandler: true) { Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Community-Webhooks/1.0");
    }

    /// <summary>The body as sent: the event's own timestamp (when it happened), not the attempt's.</summary>
    public static string Body(WebhookEvent e) =>
        $"{{\"type\":{System.Text.Json.JsonSerializer.Serialize(e.Type)},\"timestamp\":\"{e.CreatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
            CultureInfo.InvariantCulture)}\",\"data\":{e.Data}}}";

    public async Task<AttemptResult> SendAsync(string url, WebhookEvent e, IReadOnlyList<string> secrets, DateTime now, CancellationToken ct)
    {
        if (_targets.SchemeRefusal(url) is { } refusal) return new AttemptResult(false, null, 0, refusal);
        var body = Body(e);
        var timestamp = new DateTimeOffset(now, TimeSpan.Zero).ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", e.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigning.SignAll(secrets, e.Id, timestamp, body));
        var watch = Stopwatch.StartNew();
        // The timeout covers the whole attempt, body included: a receiver that sends headers and then trickles bytes must not
        // hold a delivering loop (and the batch it claimed) for longer than one attempt may take.
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var excerpt = await ReadExcerptAsync(response, attempt.Token);
            var status = (int)response.StatusCode;
            return new AttemptResult(status is >= 200 and < 300, status, Elapsed(watch), excerpt);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException && !ct.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? "Timed out." : ex.InnerException?.Message ?? ex.Message;
            return new AttemptResult(false, null, Elapsed(watch), Cut(reason));
        }
    }

    private static int Elapsed(Stopwatch watch) => (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);

    /// <summary>Reads at most 256 KiB (a receiver cannot make us buffer or wait for more) and keeps the start as text. Reading a
    /// short answer to its end lets the connection be reused.</summary>
    private static async Task<string> ReadExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int kept = 0, total = 0, read;
            while (total < WebhookOptions.MaxResponseBytes && (read = await stream.ReadAsync(
                buffer.AsMemory(kept, Math.Min(buffer.Length - kept, WebhookOptions.MaxResponseBytes - total)), ct)) > 0)
            {
                total += read;
                // Keep the first 4 KB (enough for 1 KB of text in any encoding); later reads overwrite the rest of the buffer.
                kept = Math.Min(kept + read, 4096);
            }
            return Cut(Encoding.UTF8.GetString(buffer, 0, kept));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Cut(string text) => text.Length > WebhookOptions.ExcerptChars ? text[..WebhookOptions.ExcerptChars] : text;

    public void Dispose() => _http.Dispose();
}
