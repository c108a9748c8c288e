using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Data;

/// <summary>
/// A write transaction. On SQLite it waits its turn in the <see cref="WriteGate"/> before BEGIN and leaves it when it
/// commits, rolls back or is disposed (the gate is enforced for every transaction by <see cref="WriteGateInterceptor"/>;
/// this type adds the policy below). On PostgreSQL there is no gate.
/// Inside it EF's automatic savepoint per SaveChanges is off (two statements of pure overhead in our own transaction);
/// work that must stand or fall on its own inside a larger write uses <see cref="WriteTransactions.WithSavepointAsync{T}"/>.
/// </summary>
public sealed class WriteTransaction : IAsyncDisposable
{
    private readonly DbContext? _db;
    private readonly IDbContextTransaction? _transaction;

    private WriteTransaction(DbContext? db, IDbContextTransaction? transaction)
    {
        _db = db;
        _transaction = transaction;
    }

    internal static async Task<WriteTransaction> BeginAsync(DbContext db, CancellationToken ct)
    {
        // Called inside a transaction already (a hook within sign-up, say): join it; the outer owner commits.
        if (db.Database.CurrentTransaction is not null) return new WriteTransaction(null, null);
        var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Database.AutoSavepointsEnabled = false;
        return new WriteTransaction(db, transaction);
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
