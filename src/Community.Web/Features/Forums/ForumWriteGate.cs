using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Features.Forums;

/// <summary>
/// SQLite has one writer at a time; when many requests race for its lock, the losers sleep in the busy handler
/// (1, 2, 5, 10... ms) and throughput collapses. Queuing forum writes in-process first hands the lock from one
/// transaction to the next without sleeping. PostgreSQL needs no gate: row locks do the work.
/// </summary>
public sealed class ForumWriteGate(DatabaseOptions database) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<ForumWrite> BeginAsync(CommunityDb db, CancellationToken ct)
    {
        var gated = !database.IsPostgres;
        if (gated) await _gate.WaitAsync(ct);
        try
        {
            // Inside our own transaction a savepoint per SaveChanges is two statements of pure overhead.
            db.Database.AutoSavepointsEnabled = false;
            var tx = await db.Database.BeginTransactionAsync(ct);
            return new ForumWrite(db, tx, gated ? _gate : null);
        }
        catch
        {
            if (gated) _gate.Release();
            throw;
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>One forum write transaction; committing releases the gate before live delivery starts.</summary>
public sealed class ForumWrite(CommunityDb db, IDbContextTransaction tx, SemaphoreSlim? gate) : IAsyncDisposable
{
    private SemaphoreSlim? _gate = gate;

    public async Task CommitAsync(CancellationToken ct)
    {
        try
        {
            await tx.CommitAsync(ct);
        }
        finally
        {
            Release();
        }
    }

    private void Release() => Interlocked.Exchange(ref _gate, null)?.Release();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await tx.DisposeAsync();
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true; // pooled contexts go back as they came
            Release();
        }
    }
}
