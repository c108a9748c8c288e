using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Features.Referrals;

/// <summary>A verified, validated event waiting for the writer.</summary>
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
/// time beginning, committing and queueing on the write gate. One writer drains the queue instead and processes a batch in
/// one transaction, each event inside its own savepoint (a failed or invalid event rolls back alone), and answers the
/// requests once the batch has committed. Exactly-once still rests on the unique indexes: a duplicate — in the same batch,
/// an earlier one, or another server — hits them and is answered from the original rows.
/// </summary>
internal sealed partial class EventWriter(IServiceScopeFactory scopes, ILogger<EventWriter> logger)
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

    /// <summary>Runs while there is work; the next submit starts it again. No hosted service, so nothing to stop before in-flight requests finish.</summary>
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
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CommunityDb>();
        var clock = services.GetRequiredService<TimeProvider>();
        var programs = services.GetRequiredService<ProgramStore>();
        var processor = new EventProcessor(db, services.GetRequiredService<CodeDirectory>(), services.GetRequiredService<FraudSignals>(), programs, clock);
        var replies = new EventReply[batch.Count];
        await db.Database.OpenConnectionAsync(ct);
        // Every event has its own savepoint; one more around each SaveChanges would only double the statements.
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            await using var write = await db.BeginWriteAsync(ct);
            var tx = db.Database.CurrentTransaction!;
            await using var remember = new IdempotencyInsert(db.Database.GetDbConnection(), tx.GetDbTransaction());
            for (var i = 0; i < batch.Count; i++) replies[i] = await ProcessAsync(db, tx, remember, processor, programs, clock, batch[i], ct);
            await write.CommitAsync(ct);
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true;
            await db.Database.CloseConnectionAsync();
        }
        return replies;
    }

    private static async Task<EventReply> ProcessAsync(CommunityDb db, IDbContextTransaction tx, IdempotencyInsert remember, EventProcessor processor,
        ProgramStore programs, TimeProvider clock, PendingEvent pending, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            await tx.CreateSavepointAsync(Savepoint, ct);
            try
            {
                if (attempt > 1 && pending.IdempotencyKey.Length > 0)
                {
                    var seen = await EventsApi.FindIdempotency(db, pending.KeyId, pending.IdempotencyKey, ct);
                    if (seen is not null)
                    {
                        await UndoAsync(tx, ct);
                        return EventsApi.Replay(seen, pending.BodyHash);
                    }
                }
                var rewards = new ReferralRewards(db, clock, programs);
                var outcome = await processor.ProcessAsync(rewards, pending.Request, ct);
                if (outcome.Problem is not null)
                {
                    await UndoAsync(tx, ct);
                    return new EventReply(400, null, outcome.Problem, []);
                }
                var json = JsonSerializer.Serialize(outcome.Result!, EventsJson.Default.EventResult);
                if (pending.IdempotencyKey.Length > 0) await remember.ExecuteAsync(pending, json, clock.GetUtcNow().UtcDateTime, ct);
                await tx.ReleaseSavepointAsync(Savepoint, ct);
                return new EventReply(200, json, null, rewards.Created.ToList());
            }
            catch (Exception ex) when (attempt < MaxAttempts && DbErrors.IsUniqueViolation(ex is DbUpdateException update ? update.InnerException : ex))
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

    /// <summary>The Idempotency-Key record, prepared once per batch: the same insert for every event, without change tracking.</summary>
    private sealed class IdempotencyInsert : IAsyncDisposable
    {
        private static readonly string[] Columns = ["key_id", "key", "body_hash", "status", "response", "created_at"];
        private readonly DbCommand _command;
        private readonly DbParameter[] _values;

        public IdempotencyInsert(DbConnection connection, DbTransaction transaction)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = """
                INSERT INTO "IdempotencyRecords" ("ApiKeyId", "Key", "BodyHash", "Status", "Response", "CreatedAt")
                VALUES (@key_id, @key, @body_hash, @status, @response, @created_at)
                """;
            _values = Columns.Select(name =>
            {
                var parameter = _command.CreateParameter();
                parameter.ParameterName = "@" + name;
                _command.Parameters.Add(parameter);
                return parameter;
            }).ToArray();
        }

        public async Task ExecuteAsync(PendingEvent pending, string json, DateTime now, CancellationToken ct)
        {
            _values[0].Value = pending.KeyId;
            _values[1].Value = pending.IdempotencyKey;
            _values[2].Value = pending.BodyHash;
            _values[3].Value = 200;
            _values[4].Value = json;
            _values[5].Value = DateTime.SpecifyKind(now, DateTimeKind.Utc);
            await _command.ExecuteNonQueryAsync(ct);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} referral events failed; retrying them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception ex);
}
