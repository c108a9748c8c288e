using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Data;

/// <summary>
/// A write transaction. On SQLite only one writer may hold the database at a time; letting concurrent writers
/// collide makes SQLite answer BUSY and its busy handler sleep (milliseconds each, growing), which wrecks latency
/// under load. So writers in this process queue on an async gate per database file and never sleep; the busy
/// timeout remains only for other processes. On PostgreSQL the gate is not used.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly IDbContextTransaction? _transaction;
    private SemaphoreSlim? _gate;

    private WriteTransaction(IDbContextTransaction? transaction, SemaphoreSlim? gate)
    {
        _transaction = transaction;
        _gate = gate;
    }

    internal static async Task<WriteTransaction> BeginAsync(DbContext db, CancellationToken ct)
    {
        // Called inside a transaction already (a hook within sign-up, say): join it; the outer owner commits.
        if (db.Database.CurrentTransaction is not null) return new WriteTransaction(null, null);
        SemaphoreSlim? gate = null;
        if (db.Database.IsSqlite())
        {
            gate = Gates.GetOrAdd(db.Database.GetDbConnection().DataSource, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(ct);
        }
        try
        {
            return new WriteTransaction(await db.Database.BeginTransactionAsync(ct), gate);
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
        finally { Interlocked.Exchange(ref _gate, null)?.Release(); }
    }
}

public static class WriteTransactions
{
    /// <summary>Begins a transaction that writes; see <see cref="WriteTransaction"/>.</summary>
    public static Task<WriteTransaction> BeginWriteAsync(this DbContext db, CancellationToken ct = default) => WriteTransaction.BeginAsync(db, ct);
}
