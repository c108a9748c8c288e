using Community.Web.Data;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>What became of a provider event: its row, whether an earlier delivery had written it, the ledger entries it created.</summary>
internal sealed record BillingReply(BillingEvent Row, bool Duplicate, IReadOnlyList<LedgerEntry> Created);

/// <summary>A verified provider event waiting for its batch; <see cref="WriteBillingEvent"/> writes it.</summary>
internal sealed class PendingBillingEvent(BillingNotice notice) : BatchedWrite<BillingReply>
{
    public override async Task<bool> WriteAsync(IServiceProvider services, bool retry, CancellationToken ct)
    {
        Answer = await services.GetRequiredService<WriteBillingEvent>().WriteAsync(notice, retry, ct);
        return true;
    }
}

/// <summary>
/// Applies a verified provider event once. A provider's retry of an event already committed is answered from its row; anything
/// else joins the events API's group commit (<see cref="EventBatches"/>): many events in one write transaction, each in its own
/// savepoint, and the provider hears 200 only after the batch holding its event has committed.
/// </summary>
internal sealed class ApplyBillingEvent(CommunityDb db, EventBatches batches, Ledger ledger, Leaderboard leaderboard)
{
    public async Task<(BillingEvent Row, bool Duplicate)> ApplyAsync(BillingNotice notice, CancellationToken ct)
    {
        // A provider's retry costs one indexed read and never queues behind writers.
        if (await FindAsync(db, notice.Provider, notice.EventId, ct) is { } seen) return (seen, true);
        var reply = await batches.SubmitAsync(new PendingBillingEvent(notice));
        // As the events API does after its batch: rankings and balances learn of the change once it has committed.
        if (!reply.Duplicate && reply.Row.Outcome == BillingOutcomes.Applied) leaderboard.Converted();
        if (reply.Created.Count > 0) await ledger.AnnounceAsync(reply.Created, ct);
        return (reply.Row, reply.Duplicate);
    }

    // Compiled once: it runs for every delivery, and again inside the batch.
    internal static readonly Func<CommunityDb, string, string, CancellationToken, Task<BillingEvent?>> FindAsync = EF.CompileAsyncQuery(
        (CommunityDb db, string provider, string eventId, CancellationToken ct) =>
            db.Set<BillingEvent>().AsNoTracking().FirstOrDefault(e => e.Provider == provider && e.EventId == eventId));
}
