using Community.Web.Data;

namespace Community.Web.Features.Forums;

/// <summary>
/// Forum writes go through the shared <see cref="WriteTransaction"/> (one in-process queue per SQLite database, released
/// at commit) with EF's per-SaveChanges savepoints switched off: inside our own transaction they are pure overhead.
/// </summary>
public sealed class ForumWriteGate
{
    public async Task<ForumWrite> BeginAsync(CommunityDb db, CancellationToken ct)
    {
        // Inside our own transaction a savepoint per SaveChanges is two statements of pure overhead.
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            return new ForumWrite(db, await db.BeginWriteAsync(ct));
        }
        catch
        {
            db.Database.AutoSavepointsEnabled = true;
            throw;
        }
    }
}

/// <summary>One forum write transaction; the context gets its savepoint setting back however it ends.</summary>
public sealed class ForumWrite(CommunityDb db, WriteTransaction inner) : IAsyncDisposable
{
    public async Task CommitAsync(CancellationToken ct)
    {
        try
        {
            await inner.CommitAsync(ct);
        }
        finally
        {
            await DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await inner.DisposeAsync(); // rolls back when not committed; safe to call twice
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true; // pooled contexts go back as they came
        }
    }
}
