using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Community.Web.Data;

/// <summary>
/// The in-process queue of writers for one SQLite database file. SQLite lets one writer hold the file at a time; writers
/// that collide get BUSY and its busy handler sleeps (milliseconds each, growing), which wrecks latency under load. So every
/// write in this process waits here, asynchronously and in order, and never sleeps; the busy timeout remains only for other
/// processes. <see cref="WriteGateInterceptor"/> takes the gate for every write, so no caller can forget it.
/// A flow marked <see cref="MarkUrgent"/> (the click flusher) goes ahead of the queue: it waits for the write in progress
/// only, so what a crash can lose of buffered clicks stays one flush window whatever queues behind replies and events.
/// </summary>
internal sealed class WriteGate
{
    private static readonly ConcurrentDictionary<string, WriteGate> Gates = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<bool> UrgentFlow = new();
    private readonly object _lock = new();
    private readonly LinkedList<TaskCompletionSource> _urgent = new(), _normal = new();
    private bool _held;
    private int _waiting;

    /// <summary>The gate of the database file <paramref name="connection"/> points at.</summary>
    public static WriteGate For(DbConnection connection) => Gates.GetOrAdd(connection.DataSource, _ => new WriteGate());

    /// <summary>Writes from the calling async method (and what it awaits) go ahead of queued writes; the mark ends with it.</summary>
    public static void MarkUrgent() => UrgentFlow.Value = true;

    /// <summary>Writers queued behind the one holding the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public bool IsHeld
    {
        get { lock (_lock) return _held; }
    }

    public async ValueTask EnterAsync(CancellationToken ct)
    {
        using var measured = CommunityMetrics.WaitForWrite(); // every write, so the histogram shows how many never waited
        if (Queue() is not { } node) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(MaxWait);
        await using (timeout.Token.Register(() => Withdraw(node)))
        {
            try { await node.Value.Task; }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { throw WaitedTooLong(); }
        }
    }

    /// <summary>Only for EF's synchronous APIs, which block their thread anyway; the app writes asynchronously.</summary>
    public void Enter()
    {
        using var measured = CommunityMetrics.WaitForWrite();
        if (Queue() is not { } node) return;
        if (node.Value.Task.Wait(MaxWait)) return;
        if (Withdraw(node)) throw WaitedTooLong();
        node.Value.Task.Wait(); // granted in the same instant the wait ran out: it is ours
    }

    /// <summary>Takes the gate at once (null) or joins the queue of this flow's lane.</summary>
    private LinkedListNode<TaskCompletionSource>? Queue()
    {
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return null;
            }
            _waiting++;
            return (UrgentFlow.Value ? _urgent : _normal).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    /// <summary>Leaves the queue unless the gate was already handed over; true when it left.</summary>
    private bool Withdraw(LinkedListNode<TaskCompletionSource> node)
    {
        lock (_lock)
        {
            if (node.List is null) return false;
            node.List.Remove(node);
            _waiting--;
        }
        node.Value.TrySetCanceled();
        return true;
    }

    // Writes take milliseconds; a wait this long means a writer waits for itself (a second DbContext writing while the
    // first holds a write transaction in the same flow). Failing it ends the first one's transaction too, freeing the gate.
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private static TimeoutException WaitedTooLong() => new(
        $"Waited {MaxWait.TotalSeconds:0} s for the SQLite write gate: is a second DbContext writing inside another one's write transaction?");

    /// <summary>Hands the gate to the first urgent writer, else the first in line, else opens it.</summary>
    public void Exit()
    {
        TaskCompletionSource next;
        lock (_lock)
        {
            var node = _urgent.First ?? _normal.First;
            if (node is null)
            {
                _held = false;
                return;
            }
            node.List!.Remove(node);
            _waiting--;
            next = node.Value;
        }
        next.SetResult();
    }
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
