using System.Text;
using System.Text.Json;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Stripe;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>
/// POST /api/integrations/stripe: a Stripe webhook. The Stripe-Signature header is verified by Stripe.net
/// (<see cref="EventUtility.ValidateSignature(string, string, string, long, long)"/>, five minutes of tolerance) before anything
/// is read or stored; a bad one is a 400 problem, a log line and a count. The payload is then read by field name, so any account
/// API version works: <c>invoice.paid</c> is a payment (the first paid invoice converts), <c>charge.refunded</c> a refund of what
/// was refunded since the last one, <c>charge.dispute.created</c> a chargeback, <c>customer.subscription.deleted</c> churn.
/// </summary>
internal static class ReceiveStripeEvent
{
    public const string Route = "/api/integrations/stripe";
    public const string SignatureHeader = "Stripe-Signature";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(Route, Receive).WithTags("Integrations")
            .WithMetadata(new SkipCsrfAttribute(), new BodyLimitAttribute(BillingOptions.MaxBodyBytes))
            .Produces<BillingReceipt>().ProducesProblem(400).ProducesProblem(404);

    private static async Task<IResult> Receive(HttpContext http, BillingOptions options, BillingSignatureFailures failures,
        ApplyBillingEvent apply, TimeProvider clock, CancellationToken ct)
    {
        if (options.StripeSecret is not { } secret) return Problems.NotFound("Stripe is not connected: set Billing:Stripe:WebhookSecret.");
        var json = await BillingReceipt.ReadBodyAsync(http.Request, ct);
        try
        {
            // Stripe.net's own check (the one ConstructEvent makes), without also building its typed model of the event: that
            // model is tied to one API version and we read the fields by name below, so building it only cost time on every event.
            EventUtility.ValidateSignature(json, http.Request.Headers[SignatureHeader].ToString(), secret,
                (long)BillingOptions.Tolerance.TotalSeconds, clock.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (StripeException ex)
        {
            failures.Record(BillingProviders.Stripe, ex.Message);
            return Problems.BadRequest("The Stripe-Signature header does not verify with the configured webhook secret: " + ex.Message);
        }

        BillingNotice notice;
        try
        {
            using var document = JsonDocument.Parse(json);
            notice = Read(document.RootElement);
        }
        catch (JsonException) { return Problems.BadRequest("The body is not valid JSON."); }
        if (notice.EventId.Length is 0 or > 200) return Problems.BadRequest("The event has no usable id.");
        var (row, duplicate) = await apply.ApplyAsync(notice, ct);
        return TypedResults.Ok(BillingReceipt.Of(row, duplicate));
    }

    internal static BillingNotice Read(JsonElement root)
    {
        var (id, type) = (root.Text("id") ?? "", root.Text("type") ?? "");
        if (root.Child("data", "object") is not { ValueKind: JsonValueKind.Object } o)
            return BillingNotice.Ignored(BillingProviders.Stripe, id, type, "the event has no data object");
        return type switch
        {
            "invoice.paid" => Invoice(id, type, o),
            "charge.refunded" => Refund(id, type, o),
            "charge.dispute.created" => new BillingNotice(BillingProviders.Stripe, id, type, BillingKind.Chargeback)
            {
                TakeBackId = o.Text("id"), PaymentRefs = Refs(o.Text("payment_intent"), o.Text("charge")),
                Currency = o.Text("currency")?.ToUpperInvariant(), Email = o.Text("evidence", "customer_email_address"),
                ExternalId = o.Meta(ExternalIdKey, ["metadata"]),
            },
            "customer.subscription.deleted" => new BillingNotice(BillingProviders.Stripe, id, type, BillingKind.Churn)
            {
                CustomerRef = o.Text("customer"), ExternalId = o.Meta(ExternalIdKey, ["metadata"]),
            },
            _ => BillingNotice.Ignored(BillingProviders.Stripe, id, type, "event type not used by the referral program"),
        };
    }

    public const string ExternalIdKey = "community_external_id";
    public const string ReferralCodeKey = "referral_code";

    // Invoice metadata first, then the subscription's snapshot (its place moved between API versions), then the first line's.
    private static readonly string[][] InvoiceMetadata =
        [["metadata"], ["parent", "subscription_details", "metadata"], ["subscription_details", "metadata"]];

    private static BillingNotice Invoice(string id, string type, JsonElement o)
    {
        var paid = o.Amount("amount_paid") ?? 0;
        if (paid <= 0) return BillingNotice.Ignored(BillingProviders.Stripe, id, type, "the invoice paid nothing (a trial or a free plan)");
        var payments = o.Items("payments", "data").Select(p => p.Child("payment")).OfType<JsonElement>()
            .SelectMany(p => new[] { p.Text("payment_intent"), p.Text("charge") });
        var line = o.Items("lines", "data").FirstOrDefault();
        return new BillingNotice(BillingProviders.Stripe, id, type, BillingKind.Payment)
        {
            CustomerRef = o.Text("customer"), Email = o.Text("customer_email"),
            ExternalId = o.Meta(ExternalIdKey, InvoiceMetadata), ReferralCode = o.Meta(ReferralCodeKey, InvoiceMetadata),
            PaymentId = o.Text("id"), PaymentRefs = Refs([o.Text("payment_intent"), o.Text("charge"), .. payments]),
            Amount = paid, Currency = o.Text("currency")?.ToUpperInvariant(),
            Plan = line.ValueKind == JsonValueKind.Object ? line.Text("price", "lookup_key") ?? line.Text("price", "nickname") : null,
        };
    }

    private static BillingNotice Refund(string id, string type, JsonElement o) => new(BillingProviders.Stripe, id, type, BillingKind.Refund)
    {
        CustomerRef = o.Text("customer"), Email = o.Text("billing_details", "email") ?? o.Text("receipt_email"),
        ExternalId = o.Meta(ExternalIdKey, ["metadata"]),
        // Older API versions name the invoice on the charge; newer ones are matched through the payment intent or the customer.
        PaymentId = o.Text("invoice"), PaymentRefs = Refs(o.Text("payment_intent"), o.Text("id")),
        // amount_refunded grows with every partial refund: each event's key is the charge and its running total.
        TakeBackId = $"{o.Text("id")}:refunded:{o.Amount("amount_refunded") ?? 0}",
        Amount = o.Amount("amount_refunded") ?? 0, CumulativeRefund = true, Currency = o.Text("currency")?.ToUpperInvariant(),
    };

    private static string[] Refs(params string?[] ids) => ids.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>The answer to a provider: 200 whenever the event was verified, so it stops retrying; what became of it is for the admin.</summary>
public sealed record BillingReceipt(string EventId, string Outcome, string Reason, bool Duplicate)
{
    internal static BillingReceipt Of(BillingEvent row, bool duplicate) => new(row.EventId, row.Outcome, row.Reason, duplicate);

    internal static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }
}
