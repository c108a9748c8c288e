using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Integrations.Billing;
using Microsoft.EntityFrameworkCore;

namespace Community.Tests.Integrations;

/// <summary>The app with test signing secrets for both providers.</summary>
public sealed class BillingFactory : CommunityFactory
{
    public const string StripeSecret = "whsec_test_5f0c2a9e1b7d4c3a8e6f";
    public const string PaddleSecret = "pdl_ntfset_01gkpjp8bkm3tm53kdgkx6sms7_6h3qd3uFSi9YCD3OLYAShQI90XTI5vEI";

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Billing:Stripe:WebhookSecret"] = StripeSecret,
        ["Billing:Paddle:WebhookSecret"] = PaddleSecret,
    };
}

/// <summary>
/// Provider payloads shaped as Stripe's and Paddle's documented examples (the Event, Invoice, Charge, Dispute and Subscription objects;
/// Paddle's notification envelope with a transaction or adjustment), signed here the way each provider signs.
/// </summary>
public static class BillingKit
{
    public static string Id(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>Stripe's scheme: <c>t=…,v1=hex(HMAC-SHA256(secret, "t.payload"))</c>.</summary>
    public static string StripeSignature(string secret, long t, string payload) =>
        $"t={t},v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{payload}")));

    /// <summary>Paddle's scheme: <c>ts=…;h1=hex(HMAC-SHA256(secret, "ts:body"))</c>.</summary>
    public static string PaddleSignature(string secret, long ts, string body) =>
        $"ts={ts};h1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{ts}:{body}")));

    public static async Task<HttpResponseMessage> PostStripeAsync(this CommunityFactory factory, HttpClient http, string json,
        string secret = BillingFactory.StripeSecret, long? t = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/stripe") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeSignature(secret, t ?? factory.Clock.GetUtcNow().ToUnixTimeSeconds(), json));
        return await http.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PostPaddleAsync(this CommunityFactory factory, HttpClient http, string json,
        string secret = BillingFactory.PaddleSecret, long? ts = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/paddle") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Paddle-Signature", PaddleSignature(secret, ts ?? factory.Clock.GetUtcNow().ToUnixTimeSeconds(), json));
        return await http.SendAsync(request);
    }

    public static Task<List<BillingEvent>> BillingEventsAsync(this CommunityFactory factory) =>
        factory.DbAsync(db => db.Set<BillingEvent>().AsNoTracking().OrderBy(e => e.Id).ToListAsync());

    /// <summary>An Event wrapping <paramref name="data"/> as <c>data.object</c>, as Stripe sends it.</summary>
    public static string StripeEvent(string type, object data, string? id = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = id ?? Id("evt"),
        ["object"] = "event",
        ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = 1680064028,
        ["data"] = new Dictionary<string, object?> { ["object"] = data },
        ["livemode"] = false,
        ["pending_webhooks"] = 1,
        ["request"] = new Dictionary<string, object?> { ["id"] = null, ["idempotency_key"] = null },
        ["type"] = type,
    });

    /// <summary>The Invoice object of Stripe's API reference, paid, with <c>payments</c> (as the current API version has it).</summary>
    public static Dictionary<string, object?> Invoice(string invoiceId, string customer, string? email, long amountPaid,
        Dictionary<string, string>? metadata = null, string? paymentIntent = null, string billingReason = "subscription_create") => new()
    {
        ["id"] = invoiceId, ["object"] = "invoice", ["account_country"] = "US", ["account_name"] = "Stripe Docs",
        ["amount_due"] = amountPaid, ["amount_paid"] = amountPaid, ["amount_overpaid"] = 0, ["amount_remaining"] = 0,
        ["attempt_count"] = 1, ["attempted"] = true, ["billing_reason"] = billingReason, ["collection_method"] = "charge_automatically",
        ["created"] = 1680644467, ["currency"] = "usd", ["customer"] = customer, ["customer_email"] = email, ["customer_name"] = "Jenny Rosen",
        ["lines"] = new Dictionary<string, object?>
        {
            ["object"] = "list", ["has_more"] = false, ["total_count"] = 1, ["url"] = $"/v1/invoices/{invoiceId}/lines",
            ["data"] = new[] { new Dictionary<string, object?> { ["id"] = Id("il"), ["object"] = "line_item", ["amount"] = amountPaid, ["currency"] = "usd",
                ["description"] = "1 × Pro (at $49.00 / month)", ["metadata"] = new Dictionary<string, string>() } },
        },
        ["metadata"] = metadata ?? new Dictionary<string, string>(),
        ["parent"] = new Dictionary<string, object?>
        {
            ["type"] = "subscription_details", ["quote_details"] = null,
            ["subscription_details"] = new Dictionary<string, object?> { ["metadata"] = new Dictionary<string, string>(), ["subscription"] = Id("sub") },
        },
        ["payments"] = new Dictionary<string, object?>
        {
            ["object"] = "list", ["has_more"] = false, ["url"] = "/v1/invoice_payments",
            ["data"] = paymentIntent is null ? Array.Empty<object>() : new object[] { new Dictionary<string, object?>
            {
                ["id"] = Id("inpay"), ["object"] = "invoice_payment", ["amount_paid"] = amountPaid, ["currency"] = "usd", ["invoice"] = invoiceId,
                ["is_default"] = true, ["status"] = "paid",
                ["payment"] = new Dictionary<string, object?> { ["type"] = "payment_intent", ["payment_intent"] = paymentIntent },
            } },
        },
        ["status"] = "paid", ["subtotal"] = amountPaid, ["total"] = amountPaid, ["livemode"] = false,
    };

    /// <summary>The Charge object, after a (partial) refund: <c>amount_refunded</c> is everything refunded so far.</summary>
    public static Dictionary<string, object?> Charge(string chargeId, string? paymentIntent, string? customer, long amount, long refunded) => new()
    {
        ["id"] = chargeId, ["object"] = "charge", ["amount"] = amount, ["amount_captured"] = amount, ["amount_refunded"] = refunded,
        ["balance_transaction"] = Id("txn"),
        ["billing_details"] = new Dictionary<string, object?> { ["address"] = null, ["email"] = null, ["name"] = null, ["phone"] = null },
        ["captured"] = true, ["created"] = 1679090539, ["currency"] = "usd", ["customer"] = customer, ["description"] = null,
        ["disputed"] = false, ["livemode"] = false, ["metadata"] = new Dictionary<string, string>(), ["paid"] = true,
        ["payment_intent"] = paymentIntent, ["payment_method"] = Id("pm"), ["refunded"] = refunded == amount, ["status"] = "succeeded",
    };

    /// <summary>The Dispute object.</summary>
    public static Dictionary<string, object?> Dispute(string chargeId, string? paymentIntent, long amount) => new()
    {
        ["id"] = Id("du"), ["object"] = "dispute", ["amount"] = amount, ["balance_transactions"] = Array.Empty<object>(), ["charge"] = chargeId,
        ["created"] = 1680651737, ["currency"] = "usd",
        ["evidence"] = new Dictionary<string, object?> { ["customer_email_address"] = null, ["customer_name"] = null },
        ["is_charge_refundable"] = true, ["livemode"] = false, ["metadata"] = new Dictionary<string, string>(),
        ["payment_intent"] = paymentIntent, ["reason"] = "general", ["status"] = "warning_needs_response",
    };

    /// <summary>The Subscription object, canceled.</summary>
    public static Dictionary<string, object?> Subscription(string customer) => new()
    {
        ["id"] = Id("sub"), ["object"] = "subscription", ["cancel_at_period_end"] = false, ["canceled_at"] = 1680651737,
        ["collection_method"] = "charge_automatically", ["created"] = 1679609767, ["currency"] = "usd", ["customer"] = customer,
        ["ended_at"] = 1680651737, ["livemode"] = false, ["metadata"] = new Dictionary<string, string>(), ["status"] = "canceled",
    };

    /// <summary>Paddle's notification envelope.</summary>
    public static string PaddleEvent(string type, object data, string? eventId = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["event_id"] = eventId ?? Id("evt"), ["event_type"] = type, ["occurred_at"] = "2024-04-12T10:18:49.621022Z",
        ["notification_id"] = Id("ntf"), ["data"] = data,
    });

    /// <summary>A completed Paddle transaction (amounts are strings in minor units).</summary>
    public static Dictionary<string, object?> Transaction(string transactionId, string customer, long grandTotal, Dictionary<string, string>? customData,
        string origin = "web") => new()
    {
        ["id"] = transactionId, ["status"] = "completed", ["customer_id"] = customer, ["address_id"] = Id("add"), ["business_id"] = null,
        ["custom_data"] = customData, ["currency_code"] = "USD", ["origin"] = origin, ["subscription_id"] = Id("sub"),
        ["invoice_id"] = Id("inv"), ["invoice_number"] = "325-10566", ["collection_mode"] = "automatic", ["discount_id"] = null,
        ["billing_details"] = null, ["billed_at"] = "2024-04-12T10:18:48.294633Z",
        ["items"] = new[] { new Dictionary<string, object?>
        {
            ["price"] = new Dictionary<string, object?> { ["id"] = Id("pri"), ["name"] = "Monthly (per seat)", ["description"] = "Monthly",
                ["product_id"] = Id("pro"), ["unit_price"] = new Dictionary<string, string> { ["amount"] = grandTotal.ToString(CultureInfo.InvariantCulture), ["currency_code"] = "USD" } },
            ["quantity"] = 1,
        } },
        ["details"] = new Dictionary<string, object?>
        {
            ["totals"] = new Dictionary<string, string>
            {
                ["subtotal"] = grandTotal.ToString(CultureInfo.InvariantCulture), ["tax"] = "0", ["discount"] = "0", ["credit"] = "0", ["balance"] = "0",
                ["total"] = grandTotal.ToString(CultureInfo.InvariantCulture), ["grand_total"] = grandTotal.ToString(CultureInfo.InvariantCulture),
                ["fee"] = "0", ["earnings"] = grandTotal.ToString(CultureInfo.InvariantCulture), ["currency_code"] = "USD",
            },
        },
        ["payments"] = new[] { new Dictionary<string, object?> { ["amount"] = grandTotal.ToString(CultureInfo.InvariantCulture), ["status"] = "captured" } },
    };

    /// <summary>A Paddle adjustment (a refund or a chargeback) of a transaction.</summary>
    public static Dictionary<string, object?> Adjustment(string transactionId, string customer, string action, string status, long total,
        string? adjustmentId = null) => new()
    {
        ["id"] = adjustmentId ?? Id("adj"), ["action"] = action, ["reason"] = "error", ["status"] = status, ["transaction_id"] = transactionId,
        ["customer_id"] = customer, ["currency_code"] = "USD", ["subscription_id"] = null, ["credit_applied_to_balance"] = null,
        ["items"] = new[] { new Dictionary<string, object?> { ["id"] = Id("adjitm"), ["type"] = "partial", ["amount"] = total.ToString(CultureInfo.InvariantCulture) } },
        ["totals"] = new Dictionary<string, string>
        {
            ["subtotal"] = total.ToString(CultureInfo.InvariantCulture), ["tax"] = "0", ["total"] = total.ToString(CultureInfo.InvariantCulture),
            ["fee"] = "0", ["earnings"] = total.ToString(CultureInfo.InvariantCulture), ["currency_code"] = "USD",
        },
        ["created_at"] = "2024-04-15T08:48:20.239695Z", ["updated_at"] = "2024-04-15T08:48:20.239695Z",
    };
}
