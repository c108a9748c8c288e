using System.Threading.Channels;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Features.Referrals;

/// <summary>A verified, validated event waiting for its batch.</summary>
internal sealed record PendingEvent(ReferralEventRequest Request, string KeyId, string IdempotencyKey, string BodyHash)
{
    public TaskCompletionSource<EventReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The answer to one event: a JSON body with its status, or a problem; plus the ledger entries to announce.</summary>
internal sealed record EventReply(int Status, string? Json, IResult? Problem, IReadOnlyList<LedgerEntry> Created)
{
    public IResult ToResult() => Problem ?? Results.Content(Json, "application/json", statusCode: Status);
}

/// <summary>
/// Group commit for the events API. SQLite takes one writer at a time, and a transaction per event spends most of its
/// time beginning, committing and queueing on the write gate. One writer drains the queue instead and runs a batch in
/// one transaction, each event inside its own savepoint (an event answered with a problem, or a failed one, rolls back alone),
/// and answers the requests once the batch has committed. Exactly-once still rests on the unique indexes: a duplicate — in
/// the same batch, an earlier one, or another server — hits them and is answered from the original rows.
/// </summary>
internal sealed partial class EventBatches(IServiceScopeFactory scopes, ILogger<EventBatches> logger)
{
    private const int MaxBatch = 32;
    private const int MaxAttempts = 5;
    private const string Savepoint = "referral_event";

    private readonly Channel<PendingEvent> _queue = Channel.CreateUnbounded<PendingEvent>(new UnboundedChannelOptions { SingleReader = true });
    private int _pumping;

    public Task<EventReply> SubmitAsync(PendingEvent pending)
    {
        _queue.Writer.TryWrite(pending);
        if (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0) _ = Task.Run(PumpAsync);
        return pending.Reply.Task;
    }

    /// <summary>Runs while there is work; the next submit starts it again. No hosted service, so nothing to stop before
    /// in-flight requests finish.</summary>
    private async Task PumpAsync()
    {
        var batch = new List<PendingEvent>(MaxBatch);
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

    private async Task WriteAsync(List<PendingEvent> batch)
    {
        try
        {
            var replies = await WriteBatchAsync(batch);
            for (var i = 0; i < batch.Count; i++) batch[i].Reply.TrySetResult(replies[i]);
            return;
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // Nothing of the batch was committed. Take the events one at a time so one bad event cannot fail the others.
            LogBatchFailed(logger, batch.Count, ex);
        }
        catch (Exception ex)
        {
            batch[0].Reply.TrySetException(ex);
            return;
        }
        foreach (var pending in batch)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    pending.Reply.TrySetResult((await WriteBatchAsync([pending]))[0]);
                    break;
                }
                catch (Exception ex) when (attempt < MaxAttempts && DbErrors.IsBusy(ex))
                {
                    await Task.Delay(20 * attempt); // another process holds the database
                }
                catch (Exception ex)
                {
                    pending.Reply.TrySetException(ex);
                    break;
                }
            }
        }
    }

    private async Task<EventReply[]> WriteBatchAsync(List<PendingEvent> batch)
    {
        var ct = CancellationToken.None; // an abandoned request still completes its event: the sender's retry then gets the same answer
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var handler = scope.ServiceProvider.GetRequiredService<ReportEvent>();
        var replies = new EventReply[batch.Count];
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // The write transaction also switches EF's savepoint per SaveChanges off: every event has its own below.
            await using var write = await db.BeginWriteAsync(ct);
            var tx = db.Database.CurrentTransaction!;
            for (var i = 0; i < batch.Count; i++) replies[i] = await WriteOneAsync(db, tx, handler, batch[i], ct);
            await write.CommitAsync(ct);
        }
        finally { await db.Database.CloseConnectionAsync(); }
        return replies;
    }

    private static async Task<EventReply> WriteOneAsync(CommunityDb db, IDbContextTransaction tx, ReportEvent handler, PendingEvent pending,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await tx.CreateSavepointAsync(Savepoint, ct);
            try
            {
                var reply = await handler.HandleAsync(pending, retry: attempt > 1, ct);
                if (reply.Problem is null) await tx.ReleaseSavepointAsync(Savepoint, ct);
                else await UndoAsync(tx, ct);
                return reply;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} referral events failed; retrying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception ex);
}
