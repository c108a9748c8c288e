using Community.Web.Data;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>
/// Records a verified provider event exactly once and feeds it to the referral ledger under the events API's rules
/// (<see cref="ReportEvent.ApplyAsync"/>, whose credits go through <c>Credits.GrantAsync</c>). Runs inside
/// <see cref="EventBatches"/>' group commit, in its own savepoint: the (provider, event id) row is inserted last, with its outcome, so
/// the same event twice in one batch, or a concurrent duplicate on another server, hits the unique index there; the batch undoes
/// this event alone and runs it again, and the retry answers from the winner's row. The ledger's own unique keys (payment
/// per referral, grant per rule and payment) keep a payment reported both here and through the events API from being credited twice.
/// </summary>
internal sealed class WriteBillingEvent(CommunityDb db, ReportEvent events, BillingMatcher matcher, TimeProvider clock)
{
    private const string Savepoint = "billing_event";

    /// <summary>The event's row, new or the one an earlier delivery of the same event left (then <c>Duplicate</c>).</summary>
    public async Task<BillingReply> WriteAsync(BillingNotice notice, bool retry, CancellationToken ct)
    {
        // Only after a unique violation: a first attempt spends no read on the rare duplicate.
        if (retry && await ApplyBillingEvent.FindAsync(db, notice.Provider, notice.EventId, ct) is { } seen) return new BillingReply(seen, true, []);
        var row = new BillingEvent
        {
            Provider = notice.Provider, EventId = notice.EventId, Type = notice.Type, ReceivedAt = clock.GetUtcNow().UtcDateTime,
            Outcome = BillingOutcomes.Ignored, Reason = "", CustomerRef = notice.CustomerRef, PaymentId = notice.PaymentId,
            PaymentRef = notice.PaymentRefs.Count > 0 ? notice.PaymentRefs[0] : null,
            Amount = notice.Kind == BillingKind.Ignore ? null : notice.Amount,
            Currency = notice.Currency,
        };
        var created = await DecideAsync(row, notice, ct);
        // Written last, with its outcome: one insert instead of an insert and an update. The event's id is still claimed only
        // once: a duplicate (in this batch or on another server) fails here, and the batch undoes this event and answers the
        // retry from the winner's row.
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return new BillingReply(row, false, created);
    }

    private async Task<IReadOnlyList<LedgerEntry>> DecideAsync(BillingEvent row, BillingNotice notice, CancellationToken ct)
    {
        if (notice.Kind == BillingKind.Ignore) return Ignore(row, notice.IgnoreReason ?? "not used by the referral program");
        var match = await matcher.MatchAsync(notice, ct);
        var who = BillingText.Who(notice, match.Referral);
        if (notice.Kind == BillingKind.Churn)
        {
            if (match.Referral is not { } churned) return Ignore(row, BillingText.NoReferral);
            churned.ChurnedAt ??= row.ReceivedAt;
            (row.ReferralId, row.Outcome, row.Reason) = (churned.Id, BillingOutcomes.Churned, $"matched {who}, subscription ended");
            return [];
        }
        if (match.Referral is null && (string.IsNullOrWhiteSpace(notice.ReferralCode) || notice.Kind != BillingKind.Payment))
            return Ignore(row, BillingText.NoReferral);

        var request = await RequestAsync(row, notice, match, ct);
        if (request is null) return Ignore(row, "nothing new refunded");
        var errors = ReportEvent.Validate(request).ToDictionary().Where(e => match.Referral is null || e.Key != "customer").ToList();
        if (errors.Count > 0) return Ignore(row, string.Join(" ", errors.SelectMany(e => e.Value)));

        var tx = db.Database.CurrentTransaction!;
        await tx.CreateSavepointAsync(Savepoint, ct);
        var (result, problem, created) = await events.ApplyAsync(request, match.Referral, ct);
        if (problem is not null)
        {
            // Refused by the ledger's rules (a refund of more than is left, say): keep the event row, undo the rest.
            await tx.RollbackToSavepointAsync(Savepoint, ct);
            db.ChangeTracker.Clear();
            return Ignore(row, BillingText.Problem(problem));
        }
        await tx.ReleaseSavepointAsync(Savepoint, ct);
        row.ReferralId = result!.ReferralId;
        if (result.Status == EventStatuses.Ignored)
            return Ignore(row, result.Reasons.Contains(ReasonCodes.ExpiredCode)
                ? "the referral code is expired or disabled" : BillingText.NoReferral);
        row.Outcome = BillingOutcomes.Applied;
        row.Reason = BillingText.Applied(who, notice, request, result);
        return created;
    }

    /// <summary>The event in the events API's shape; null for a Stripe refund event that adds nothing to what was counted.</summary>
    private async Task<ReferralEventRequest?> RequestAsync(BillingEvent row, BillingNotice notice, BillingMatch match, CancellationToken ct)
    {
        var customer = new EventCustomer(notice.ExternalId?.Trim(), notice.Email);
        if (notice.Kind == BillingKind.Payment)
            return new ReferralEventRequest(notice.PaymentId, EventTypes.Conversion, customer, notice.Amount, notice.Currency, notice.Plan, null,
                notice.ReferralCode);
        var payment = notice.PaymentId ?? match.PaymentId ?? await matcher.PaymentOfAsync(notice, ct);
        row.PaymentId = payment;
        if (notice.Kind == BillingKind.Chargeback)
            return new ReferralEventRequest(notice.TakeBackId, EventTypes.Chargeback, customer, null, notice.Currency, null, payment, null);
        var amount = notice.CumulativeRefund ? notice.Amount - await matcher.RefundedBeforeAsync(notice, ct) : notice.Amount;
        return amount <= 0 ? null
            : new ReferralEventRequest(notice.TakeBackId, EventTypes.Refund, customer, amount, notice.Currency, null, payment, null);
    }

    private static IReadOnlyList<LedgerEntry> Ignore(BillingEvent row, string reason)
    {
        (row.Outcome, row.Reason) = (BillingOutcomes.Ignored, BillingText.Clip(reason));
        return [];
    }
}
