using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// What one connection has yet to be sent. At most one write to the connection is in flight; messages posted meanwhile
/// wait here, up to <see cref="LiveDeliveryOptions.MaxQueuedMessages"/>. A connection that overflows that, or whose
/// write has not completed for <see cref="LiveDeliveryOptions.MaxStallSeconds"/>, is closed: its page reconnects and
/// catches up by sequence number. The queued messages are shared with every other connection (each is serialized once),
/// so a full outbox costs references, not copies.
/// </summary>
internal sealed class ConnectionOutbox(HubConnectionContext connection, LiveDeliveryOptions options)
{
    private readonly Queue<SerializedHubMessage> _waiting = new();
    private bool _writing;
    private bool _closed;
    private long _writingSince;

    public HubConnectionContext Connection => connection;

    /// <summary>Groups this connection is in; guarded by the connection registry's membership lock.</summary>
    public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

    public bool IsClosed
    {
        get { lock (_waiting) return _closed; }
    }

    /// <summary>Nothing waiting and no write in flight (or closed): what was posted has been handed to the transport.</summary>
    public bool IsIdle
    {
        get { lock (_waiting) return _closed || !_writing; }
    }

    /// <summary>Hands a message over without waiting for the connection.</summary>
    public Posted Post(SerializedHubMessage message)
    {
        lock (_waiting)
        {
            if (_closed) return Posted.Gone;
            if (_writing)
            {
                if (_waiting.Count < options.MaxQueuedMessages && !StalledLocked())
                {
                    _waiting.Enqueue(message);
                    return Posted.Queued;
                }
                CloseLocked();
            }
            else
            {
                _writing = true;
                _writingSince = Environment.TickCount64;
            }
        }
        if (_closed)
        {
            connection.Abort();
            return Posted.ClosedAsTooSlow;
        }
        _ = WriteAsync(message);
        return Posted.Queued;
    }

    /// <summary>Closes the connection when its current write has been waiting too long (called by a periodic sweep).</summary>
    public bool CloseIfStalled()
    {
        lock (_waiting)
        {
            if (_closed || !_writing || !StalledLocked()) return false;
            CloseLocked();
        }
        connection.Abort();
        return true;
    }

    /// <summary>The connection has gone: drop what it was still owed.</summary>
    public void Forget()
    {
        lock (_waiting) CloseLocked();
    }

    private bool StalledLocked() => Environment.TickCount64 - _writingSince > options.MaxStallSeconds * 1000L;

    private void CloseLocked()
    {
        _closed = true;
        _waiting.Clear();
        _waiting.TrimExcess();
    }

    // Completes synchronously (no allocation) whenever the transport accepts the bytes at once, which is the usual case.
    private async Task WriteAsync(SerializedHubMessage message)
    {
        while (true)
        {
            // HubConnectionContext.WriteAsync never throws: a failed write aborts the connection itself.
            await connection.WriteAsync(message, CancellationToken.None);
            lock (_waiting)
            {
                if (_closed || !_waiting.TryDequeue(out message!))
                {
                    _writing = false;
                    return;
                }
                _writingSince = Environment.TickCount64;
            }
        }
    }
}

internal enum Posted { Queued, ClosedAsTooSlow, Gone }
