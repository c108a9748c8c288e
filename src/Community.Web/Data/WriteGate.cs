using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Community.Web.Data;

/// <summary>
/// The in-process queue of writers for one SQLite database file. SQLite lets one writer hold the file at a time; writers
/// that collide get BUSY and its busy handler sleeps (milliseconds each, growing), which wrecks latency under load. So every
/// write in this process waits here, asynchronously and in order, and never sleeps; the busy timeout remains only for other
/// processes. <see cref="WriteGateInterceptor"/> takes the gate for every write, so no caller can forget it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One gate per database file, for the life of the process.")]
internal sealed class WriteGate
{
    private static readonly ConcurrentDictionary<string, WriteGate> Gates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private int _waiting;

    /// <summary>The gate of the database file <paramref name="connection"/> points at.</summary>
    public static WriteGate For(DbConnection connection) => Gates.GetOrAdd(connection.DataSource, _ => new WriteGate());

    /// <summary>Writers queued behind the one holding the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public bool IsHeld => _semaphore.CurrentCount == 0;

    public async ValueTask EnterAsync(CancellationToken ct)
    {
        using var measured = CommunityMetrics.WaitForWrite(); // every write, so the histogram shows how many never waited
        if (_semaphore.Wait(0, CancellationToken.None)) return;
        Interlocked.Increment(ref _waiting);
        try { if (!await _semaphore.WaitAsync(MaxWait, ct)) throw WaitedTooLong(); }
        finally { Interlocked.Decrement(ref _waiting); }
    }

    /// <summary>Only for EF's synchronous APIs, which block their thread anyway; the app writes asynchronously.</summary>
    public void Enter()
    {
        using var measured = CommunityMetrics.WaitForWrite();
        if (_semaphore.Wait(0)) return;
        Interlocked.Increment(ref _waiting);
        try { if (!_semaphore.Wait(MaxWait)) throw WaitedTooLong(); }
        finally { Interlocked.Decrement(ref _waiting); }
    }

    // Writes take milliseconds; a wait this long means a writer waits for itself (a second DbContext writing while the
    // first holds a write transaction in the same flow). Failing it ends the first one's transaction too, freeing the gate.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private static TimeoutException WaitedTooLong() => new(
        $"Waited {MaxWait.TotalSeconds:0} s for the SQLite write gate: is a second DbContext writing inside another one's write transaction?");

    public void Exit() => _semaphore.Release();
}

/// <summary>
/// Which write, if any, holds the gate for one connection (one DbContext). The holder is the outermost write: a transaction
/// holds it from BEGIN to its end, and the statements and SaveChanges inside it find it held and do not queue again.
/// </summary>
internal sealed class WriteHold
{
    private static readonly ConditionalWeakTable<DbConnection, WriteHold> Holds = [];

    /// <summary>Stands for a transaction between BEGIN and the moment EF wraps it (<see cref="GatedTransactionFactory"/>).</summary>
    internal static readonly object BeginningTransaction = new();

    private WriteGate? _gate;
    private object? _owner;

    public static WriteHold Of(DbConnection connection) => Holds.GetValue(connection, _ => new WriteHold());

    public bool IsHeld => _gate is not null;

    /// <summary>Queues for the gate unless this connection holds it already; true when <paramref name="owner"/> now holds it.</summary>
    public async ValueTask<bool> TakeAsync(DbConnection connection, object owner, CancellationToken ct)
    {
        if (_gate is not null) return false;
        var gate = WriteGate.For(connection);
        await gate.EnterAsync(ct);
        (_gate, _owner) = (gate, owner);
        return true;
    }

    public bool Take(DbConnection connection, object owner)
    {
        if (_gate is not null) return false;
        var gate = WriteGate.For(connection);
        gate.Enter();
        (_gate, _owner) = (gate, owner);
        return true;
    }

    /// <summary>Hands the hold from one owner to another (the beginning transaction to the transaction object).</summary>
    public void Pass(object from, object to)
    {
        if (ReferenceEquals(_owner, from)) _owner = to;
    }

    /// <summary>Releases the gate if <paramref name="owner"/> holds it; safe to call more than once.</summary>
    public void Give(object owner)
    {
        if (_gate is not { } gate || !ReferenceEquals(_owner, owner)) return;
        (_gate, _owner) = (null, null);
        gate.Exit();
    }

    /// <summary>Releases a hold kept by a statement (never by a transaction): the connection is closing, so it is over.</summary>
    public void GiveStatement()
    {
        if (_owner is DbCommand command) Give(command);
    }
}
