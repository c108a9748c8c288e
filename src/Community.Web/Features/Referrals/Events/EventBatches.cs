using System.Threading.Channels;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Features.Referrals;

/// <summary>
/// One write waiting for its batch in <see cref="EventBatches"/>: a verified, validated event of the referral events API
/// (<see cref="PendingEvent"/>) or of a billing provider. Its answer is kept back until the batch has committed.
/// </summary>
internal abstract class BatchedWrite
{
    /// <summary>Runs inside its own savepoint of the batch's transaction with the batch's scoped services (one
    /// <see cref="CommunityDb"/> for the batch). False undoes its writes but keeps its answer (a refusal); an exception undoes
    /// them too and is retried (a unique violation: a concurrent duplicate won) or fails the batch, whose events are then
    /// taken one by one. Runs again from scratch on every attempt.</summary>
    public abstract Task<bool> WriteAsync(IServiceProvider services, bool retry, CancellationToken ct);

    /// <summary>The batch committed: hand the answer to the waiting request.</summary>
    public abstract void Committed();

    public abstract void Failed(Exception ex);
}

/// <summary>A batched write answering <typeparamref name="TReply"/>.</summary>
internal abstract class BatchedWrite<TReply> : BatchedWrite
{
    private readonly TaskCompletionSource<TReply> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set by <see cref="BatchedWrite.WriteAsync"/>; given out only once the batch has committed.</summary>
    protected TReply? Answer { get; set; }

    public Task<TReply> Reply => _reply.Task;

    public override void Committed() => _reply.TrySetResult(Answer!);

    public override void Failed(Exception ex) => _reply.TrySetException(ex);
}

/// <summary>The answer to one event: a JSON body with its status, or a problem; plus the ledger entries to announce.</summary>
internal sealed record EventReply(int Status, string? Json, IResult? Problem, IReadOnlyList<LedgerEntry> Created)
{
    public IResult ToResult() => Problem ?? Results.Content(Json, "application/json", statusCode: Status);
}

/// <summary>A verified, validated event of the referral events API waiting for its batch.</summary>
internal sealed class PendingEvent(ReferralEventRequest request, string keyId, string idempotencyKey, string bodyHash)
    : BatchedWrite<EventReply>
{
    public ReferralEventRequest Request { get; } = request;
    public string KeyId { get; } = keyId;
    public string IdempotencyKey { get; } = idempotencyKey;
    public string BodyHash { get; } = bodyHash;

    public override async Task<bool> WriteAsync(IServiceProvider services, bool retry, CancellationToken ct)
    {
        Answer = await services.GetRequiredService<ReportEvent>().HandleAsync(this, retry, ct);
        return Answer.Problem is null;
    }
}

/// <summary>
/// Group commit for event writes: the referral events API and the billing providers' webhooks. SQLite takes one writer at a
/// time, and a transaction per event spends most of its time beginning, committing and queueing on the write gate. One
/// writer drains the queue instead and runs a batch in one transaction, each event inside its own savepoint (an event answered with a problem, or a failed one, rolls back alone),
/// and answers the requests once the batch has committed. Exactly-once still rests on the unique indexes: a duplicate — in
/// the same batch, an earlier one, or another server — hits them and is answered from the original rows.
/// </summary>
internal sealed partial class EventBatches(IServiceScopeFactory scopes, ILogger<EventBatches> logger)
{
    private const int MaxBatch = 32;
    private const int MaxAttempts = 5;
    private const string Savepoint = "batched_write";

    private readonly Channel<BatchedWrite> _queue = Channel.CreateUnbounded<BatchedWrite>(new UnboundedChannelOptions { SingleReader = true });
    private int _pumping;

    /// <summary>Queues a write; the answer comes once it is durably committed (or the exception that kept it from that).</summary>
    public Task<TReply> SubmitAsync<TReply>(BatchedWrite<TReply> pending)
    {
        _queue.Writer.TryWrite(pending);
        if (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0) _ = Task.Run(PumpAsync);
        return pending.Reply;
    }

    /// <summary>Runs while there is work; the next submit starts it again. No hosted service, so nothing to stop before
    /// in-flight requests finish.</summary>
    private async Task PumpAsync()
    {
        var batch = new List<BatchedWrite>(MaxBatch);
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count == 0)
            {
                Volatile.Write(ref _pumping, 0);
                // An event queued between the last read and the flag clearing would wait forever: take the pump back for it.
                if (_queue.Reader.Count == 0 || Interlocked.CompareExchange(ref _pumping, 1, 0) != 0) return;
                continue;
            }
            await WriteAsync(batch);
        }
    }

    private async Task WriteAsync(List<BatchedWrite> batch)
    {
        try
        {
            await WriteBatchAsync(batch);
            foreach (var pending in batch) pending.Committed();
            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // Nothing of the batch was committed. Take the events one at a time so one bad event cannot fail the others.
            LogBatchFailed(logger, batch.Count, ex);
        }
        catch (Exception ex)
        {
            batch[0].Failed(ex);
            return;
        }
        foreach (var pending in batch)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await WriteBatchAsync([pending]);
                    pending.Committed();
                    break;
                }
                catch (Exception ex) when (attempt < MaxAttempts && DbErrors.IsBusy(ex))
                {
                    await Task.Delay(20 * attempt); // another process holds the database
                }
                catch (Exception ex)
                {
                    pending.Failed(ex);
                    break;
                }
            }
        }
    }

    private async Task WriteBatchAsync(List<BatchedWrite> batch)
    {
        var ct = CancellationToken.None; // an abandoned request still completes its event: the sender's retry then gets the same answer
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // The write transaction also switches EF's savepoint per SaveChanges off: every event has its own below.
            await using var write = await db.BeginWriteAsync(ct);
            var tx = db.Database.CurrentTransaction!;
            foreach (var pending in batch) await WriteOneAsync(db, tx, scope.ServiceProvider, pending, ct);
            await write.CommitAsync(ct);
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    private static async Task WriteOneAsync(CommunityDb db, IDbContextTransaction tx, IServiceProvider services, BatchedWrite pending,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await tx.CreateSavepointAsync(Savepoint, ct);
            try
            {
                if (await pending.WriteAsync(services, retry: attempt > 1, ct)) await tx.ReleaseSavepointAsync(Savepoint, ct);
                else await UndoAsync(tx, ct);
                return;
            }
            catch (Exception ex) when (attempt < MaxAttempts && DbErrors.IsUniqueViolation(ex))
            {
                // A concurrent identical event (or Idempotency-Key) won: undo this one; the next attempt answers from the winner's rows.
                await UndoAsync(tx, ct);
            }
        }
    }

    private static async Task UndoAsync(IDbContextTransaction tx, CancellationToken ct)
    {
        await tx.RollbackToSavepointAsync(Savepoint, ct);
        await tx.ReleaseSavepointAsync(Savepoint, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} events failed; retrying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception ex);
}
