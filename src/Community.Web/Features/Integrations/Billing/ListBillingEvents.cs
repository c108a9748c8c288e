using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Billing;

public sealed record BillingEventView(long Id, string Provider, string EventId, string Type, DateTime ReceivedAt, string Outcome,
    string Reason, long? ReferralId);

/// <summary>Refused deliveries are only counted (since the server started), never stored.</summary>
public sealed record SignatureFailures(long Stripe, long Paddle, DateTime? LastAt);

public sealed record BillingEventList(bool StripeConnected, bool PaddleConnected, SignatureFailures InvalidSignatures,
    IReadOnlyList<BillingEventView> Events);

/// <summary>GET /api/admin/integrations/billing-events: the last 100 provider events and what became of each.</summary>
internal static class ListBillingEvents
{
    public const int Shown = 100;

    public static void Map(RouteGroupBuilder admin) => admin.MapGet("/billing-events", List);

    private static async Task<Ok<BillingEventList>> List(CommunityDb db, BillingOptions options, BillingSignatureFailures failures,
        CancellationToken ct)
    {
        var events = await db.Set<BillingEvent>().AsNoTracking().OrderByDescending(e => e.Id).Take(Shown)
            .Select(e => new BillingEventView(e.Id, e.Provider, e.EventId, e.Type, e.ReceivedAt, e.Outcome, e.Reason, e.ReferralId))
            .ToListAsync(ct);
        return TypedResults.Ok(new BillingEventList(options.StripeSecret is not null, options.PaddleSecret is not null,
            new SignatureFailures(failures.Stripe, failures.Paddle, failures.LastAt), events));
    }
}
