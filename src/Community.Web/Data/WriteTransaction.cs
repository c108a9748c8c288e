using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Data;

/// <summary>
/// A write transaction. On SQLite only one writer may hold the database at a time; letting concurrent writers
/// collide makes SQLite answer BUSY and its busy handler sleep (milliseconds each, growing), which wrecks latency
/// under load. So writers in this process queue on an async gate per database file and never sleep; the busy
/// timeout remains only for other processes. On PostgreSQL the gate is not used.
/// Inside it EF's automatic savepoint per SaveChanges is off (two statements of pure overhead in our own transaction);
/// work that must stand or fall on its own inside a larger write uses <see cref="WriteTransactions.WithSavepointAsync{T}"/>.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly DbContext? _db;
    private readonly IDbContextTransaction? _transaction;
    private SemaphoreSlim? _gate;

    private WriteTransaction(DbContext? db, IDbContextTransaction? transaction, SemaphoreSlim? gate)
    {
        _db = db;
        _transaction = transaction;
        _gate = gate;
    }

    internal static async Task<WriteTransaction> BeginAsync(DbContext db, CancellationToken ct)
    {
        // Called inside a transaction already (a hook within sign-up, say): join it; the outer owner commits.
        if (db.Database.CurrentTransaction is not null) return new WriteTransaction(null, null, null);
        SemaphoreSlim? gate = null;
        if (db.Database.IsSqlite())
        {
            gate = Gates.GetOrAdd(db.Database.GetDbConnection().DataSource, _ => new SemaphoreSlim(1, 1));
            using (CommunityMetrics.WaitForWrite()) await gate.WaitAsync(ct);
        }
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Database.AutoSavepointsEnabled = false;
            return new WriteTransaction(db, transaction, gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    /// <summary>Commits and at once hands the write queue to the next writer: work after the commit (live delivery,
    /// the response) must not hold SQLite's write lock hostage.</summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_transaction is not null) await _transaction.CommitAsync(ct);
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { if (_transaction is not null) await _transaction.DisposeAsync(); }
        finally
        {
            if (_db is not null) _db.Database.AutoSavepointsEnabled = true; // pooled contexts go back as they came
            Interlocked.Exchange(ref _gate, null)?.Release();
        }
    }
}

public static class WriteTransactions
{
    /// <summary>Begins a transaction that writes; see <see cref="WriteTransaction"/>.</summary>
    public static Task<WriteTransaction> BeginWriteAsync(this DbContext db, CancellationToken ct = default) => WriteTransaction.BeginAsync(db, ct);

    /// <summary>Runs <paramref name="work"/> so that, inside a write transaction, a failure undoes only its own changes
    /// (a savepoint) and the exception reaches the caller, who may carry on with the transaction. Outside a transaction
    /// SaveChanges is atomic already, so the work just runs.</summary>
    public static async Task<T> WithSavepointAsync<T>(this DbContext db, string name, Func<Task<T>> work, CancellationToken ct = default)
    {
        var tx = db.Database.CurrentTransaction;
        if (tx is null) return await work();
        await tx.CreateSavepointAsync(name, ct);
        try
        {
            var result = await work();
            await tx.ReleaseSavepointAsync(name, ct);
            return result;
        }
        catch
        {
            await tx.RollbackToSavepointAsync(name, ct);
            await tx.ReleaseSavepointAsync(name, ct);
            throw;
        }
    }
}
