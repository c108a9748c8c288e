using Community.Web.Data;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>
/// Records a verified provider event exactly once and feeds it to the referral ledger under the events API's rules
/// (<see cref="ReportEvent.ApplyAsync"/>, whose credits go through <c>Credits.GrantAsync</c>). The (provider, event id) row is
/// inserted first in the write transaction, so a concurrent duplicate waits on the unique index and then finds the winner's row;
/// the ledger's own unique keys (payment per referral, grant per rule and payment) keep a payment reported both here and through
/// the events API from being credited twice.
/// </summary>
internal sealed class ApplyBillingEvent(CommunityDb db, ReportEvent events, BillingMatcher matcher, Ledger ledger, Leaderboard leaderboard,
    TimeProvider clock)
{
    private const int MaxAttempts = 3;
    private const string Savepoint = "billing_event";

    /// <summary>The event's row: new, or the one a previous delivery of the same event left.</summary>
    public async Task<(BillingEvent Row, bool Duplicate)> ApplyAsync(BillingNotice notice, CancellationToken ct)
    {
        // A provider's retry costs one indexed read and never queues behind writers.
        if (await FindAsync(notice, ct) is { } seen) return (seen, true);
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            try
            {
                var (row, created) = await WriteAsync(notice, ct);
                // As the events API does after its batch: rankings and balances learn of the change once it has committed.
                if (row.Outcome == BillingOutcomes.Applied) leaderboard.Converted();
                if (created.Count > 0) await ledger.AnnounceAsync(created, ct);
                return (row, false);
            }
            catch (Exception ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // The same event delivered concurrently committed first: its row is the answer. Otherwise the same payment
                // came through the events API at this moment: the next attempt finds its rows and credits nothing twice.
                db.ChangeTracker.Clear();
                if (await FindAsync(notice, ct) is { } winner) return (winner, true);
                if (attempt >= MaxAttempts) throw;
            }
        }
    }

    private Task<BillingEvent?> FindAsync(BillingNotice notice, CancellationToken ct) =>
        db.Set<BillingEvent>().AsNoTracking().FirstOrDefaultAsync(e => e.Provider == notice.Provider && e.EventId == notice.EventId, ct);

    private async Task<(BillingEvent Row, IReadOnlyList<LedgerEntry> Created)> WriteAsync(BillingNotice notice, CancellationToken ct)
    {
        await using var write = await db.BeginWriteAsync(ct);
        var row = new BillingEvent
        {
            Provider = notice.Provider, EventId = notice.EventId, Type = notice.Type, ReceivedAt = clock.GetUtcNow().UtcDateTime,
            Outcome = BillingOutcomes.Ignored, Reason = "", CustomerRef = notice.CustomerRef, PaymentId = notice.PaymentId,
            PaymentRef = notice.PaymentRefs.Count > 0 ? notice.PaymentRefs[0] : null,
            Amount = notice.Kind == BillingKind.Ignore ? null : notice.Amount,
            Currency = notice.Currency,
        };
        db.Add(row);
        await db.SaveChangesAsync(ct); // claims the event id before anything else is written
        var created = await DecideAsync(row, notice, ct);
        await db.SaveChangesAsync(ct);
        await write.CommitAsync(ct);
        return (row, created);
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
            db.Update(row);
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
