using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>
/// POST /api/integrations/paddle: a Paddle Billing notification. <c>Paddle-Signature: ts=…;h1=…</c> is an HMAC-SHA256 of
/// <c>ts:body</c> under the notification destination's secret; it is checked in constant time, with five minutes of tolerance,
/// before anything is read or stored (several <c>h1</c> appear while Paddle rotates a secret: any may match).
/// <c>transaction.completed</c> is a payment, <c>adjustment.created</c>/<c>.updated</c> an approved refund or chargeback,
/// <c>subscription.canceled</c> churn.
/// </summary>
internal static class ReceivePaddleEvent
{
    public const string Route = "/api/integrations/paddle";
    public const string SignatureHeader = "Paddle-Signature";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Route, Receive).WithTags("Integrations")
            .WithMetadata(new SkipCsrfAttribute(), new BodyLimitAttribute(BillingOptions.MaxBodyBytes))
            .Produces<BillingReceipt>().ProducesProblem(400).ProducesProblem(404);

    private static async Task<IResult> Receive(HttpContext http, BillingOptions options, BillingSignatureFailures failures,
        ApplyBillingEvent apply, TimeProvider clock, CancellationToken ct)
    {
        if (options.PaddleSecret is not { } secret) return Problems.NotFound("Paddle is not connected: set Billing:Paddle:WebhookSecret.");
        var body = await BillingReceipt.ReadBodyAsync(http.Request, ct);
        if (Verify(http.Request.Headers[SignatureHeader].ToString(), body, secret, clock.GetUtcNow()) is { } refusal)
        {
            failures.Record(BillingProviders.Paddle, refusal);
            return Problems.BadRequest("The Paddle-Signature header does not verify with the configured secret: " + refusal);
        }
        BillingNotice notice;
        try
        {
            using var document = JsonDocument.Parse(body);
            notice = Read(document.RootElement);
        }
        catch (JsonException) { return Problems.BadRequest("The body is not valid JSON."); }
        if (notice.EventId.Length is 0 or > 200) return Problems.BadRequest("The event has no usable event_id.");
        var (row, duplicate) = await apply.ApplyAsync(notice, ct);
        return TypedResults.Ok(BillingReceipt.Of(row, duplicate));
    }

    /// <summary>Null when the header carries a fresh timestamp and a matching signature; otherwise why not.</summary>
    internal static string? Verify(string header, string body, string secret, DateTimeOffset now)
    {
        long? ts = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "ts" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)) ts = t;
            else if (key == "h1" && value.Length == 64 && IsHex(value)) signatures.Add(Convert.FromHexString(value));
        }
        if (ts is null || signatures.Count == 0) return "the header has no ts and h1";
        if (Math.Abs(now.ToUnixTimeSeconds() - ts.Value) > BillingOptions.Tolerance.TotalSeconds) return "the timestamp is too old or in the future";
        var expected = Sign(secret, ts.Value, body);
        var match = false;
        // Compare against every candidate without stopping early, so the time taken says nothing about which one matched.
        foreach (var signature in signatures) match |= CryptographicOperations.FixedTimeEquals(expected, signature);
        return match ? null : "no h1 matches";
    }

    /// <summary>The HMAC-SHA256 of <c>ts:body</c>: how Paddle signs, and how tests sign.</summary>
    internal static byte[] Sign(string secret, long ts, string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(ts.ToString(CultureInfo.InvariantCulture) + ":" + body));

    private static bool IsHex(string s) => s.All(Uri.IsHexDigit);

    internal static BillingNotice Read(JsonElement root)
    {
        var (id, type) = (root.Text("event_id") ?? "", root.Text("event_type") ?? "");
        if (root.Child("data") is not { ValueKind: JsonValueKind.Object } d)
            return BillingNotice.Ignored(BillingProviders.Paddle, id, type, "the event has no data object");
        var externalId = d.Meta(ReceiveStripeEvent.ExternalIdKey, ["custom_data"]);
        return type switch
        {
            "transaction.completed" => Transaction(id, type, d, externalId),
            "adjustment.created" or "adjustment.updated" => Adjustment(id, type, d, externalId),
            "subscription.canceled" => new BillingNotice(BillingProviders.Paddle, id, type, BillingKind.Churn)
            {
                CustomerRef = d.Text("customer_id"), ExternalId = externalId,
            },
            _ => BillingNotice.Ignored(BillingProviders.Paddle, id, type, "event type not used by the referral program"),
        };
    }

    private static BillingNotice Transaction(string id, string type, JsonElement d, string? externalId)
    {
        var total = d.Amount("details", "totals", "grand_total") ?? 0;
        if (total <= 0) return BillingNotice.Ignored(BillingProviders.Paddle, id, type, "the transaction paid nothing (a trial or a free plan)");
        var item = d.Items("items").FirstOrDefault();
        return new BillingNotice(BillingProviders.Paddle, id, type, BillingKind.Payment)
        {
            CustomerRef = d.Text("customer_id"), ExternalId = externalId,
            ReferralCode = d.Meta(ReceiveStripeEvent.ReferralCodeKey, ["custom_data"]), Email = d.Meta("email", ["custom_data"]),
            PaymentId = d.Text("id"), Amount = total, Currency = d.Text("currency_code")?.ToUpperInvariant(),
            Plan = item.ValueKind == JsonValueKind.Object ? item.Text("price", "name") ?? item.Text("price", "description") : null,
        };
    }

    private static BillingNotice Adjustment(string id, string type, JsonElement d, string? externalId)
    {
        var action = d.Text("action");
        var kind = action switch { "refund" => BillingKind.Refund, "chargeback" => BillingKind.Chargeback, _ => BillingKind.Ignore };
        if (kind == BillingKind.Ignore)
            return BillingNotice.Ignored(BillingProviders.Paddle, id, type, $"a {action ?? "unknown"} adjustment takes nothing back");
        // Refunds wait for Paddle's approval (adjustment.updated brings it); the adjustment id keys it, so created + updated count once.
        if (d.Text("status") != "approved")
            return BillingNotice.Ignored(BillingProviders.Paddle, id, type, $"the {action} is {d.Text("status") ?? "pending"}, not approved yet");
        return new BillingNotice(BillingProviders.Paddle, id, type, kind)
        {
            CustomerRef = d.Text("customer_id"), ExternalId = externalId, PaymentId = d.Text("transaction_id"), TakeBackId = d.Text("id"),
            Amount = d.Amount("totals", "total") ?? 0, Currency = d.Text("currency_code")?.ToUpperInvariant(),
        };
    }
}
