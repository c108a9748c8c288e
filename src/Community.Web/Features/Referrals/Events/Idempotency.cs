using System.Data.Common;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>The Idempotency-Key of the events API: the first answer given for an (API key, key) pair, replayed for a repeat.
/// A key first seen concurrently is caught by the unique index on the record.</summary>
internal static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    public static readonly Func<CommunityDb, string, string, CancellationToken, Task<IdempotencyRecord?>> FindAsync = EF.CompileAsyncQuery(
        (CommunityDb db, string keyId, string key, CancellationToken ct) =>
            db.Set<IdempotencyRecord>().AsNoTracking().FirstOrDefault(r => r.ApiKeyId == keyId && r.Key == key));

    /// <summary>The same body gets the same answer; another body under a used key is a mistake of the sender.</summary>
    public static EventReply Replay(IdempotencyRecord seen, string bodyHash) => seen.BodyHash == bodyHash
        ? new EventReply(seen.Status, seen.Response, null, [])
        : new EventReply(409, null, Problems.Conflict(
            "This Idempotency-Key was already used with a different request body. Use a new key for a new event."), []);

    /// <summary>The record's insert, prepared once per batch: the same statement for every event, without change tracking
    /// (it runs for every event of the hot path; values are bound by parameter name).</summary>
    public sealed class Insert : IAsyncDisposable
    {
        private readonly DbCommand _command;
        private readonly DbParameter _keyId, _key, _bodyHash, _status, _response, _createdAt;

        public Insert(DbConnection connection, DbTransaction transaction)
        {
            _command = connection.Prepare(transaction, """
                INSERT INTO "IdempotencyRecords" ("ApiKeyId", "Key", "BodyHash", "Status", "Response", "CreatedAt")
                VALUES (@key_id, @key, @body_hash, @status, @response, @created_at)
                """);
            _keyId = _command.Parameter("@key_id");
            _key = _command.Parameter("@key");
            _bodyHash = _command.Parameter("@body_hash");
            _status = _command.Parameter("@status");
            _response = _command.Parameter("@response");
            _createdAt = _command.Parameter("@created_at");
        }


        public async Task ExecuteAsync(PendingEvent pending, string json, DateTime now, CancellationToken ct)
        {
            _keyId.Value = pending.KeyId;
            _key.Value = pending.IdempotencyKey;
            _bodyHash.Value = pending.BodyHash;
            _status.Value = 200;
            _response.Value = json;
            _createdAt.Value = DateTime.SpecifyKind(now, DateTimeKind.Utc);
            await _command.ExecuteNonQueryAsync(ct);
        }

        public ValueTask DisposeAsync() => _command.DisposeAsync();
    }
}
