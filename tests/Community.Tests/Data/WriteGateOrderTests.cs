using System.Collections.Concurrent;
using Community.Web.Data;

namespace Community.Tests.Data;

/// <summary>
/// The write gate's queue: first come, first served, except a flow marked urgent (the click flusher), which goes ahead of
/// everyone queued and waits only for the write in progress. A writer that gives up leaves the queue without taking a turn.
/// </summary>
public sealed class WriteGateOrderTests
{
    [Fact]
    public async Task An_urgent_writer_goes_ahead_of_queued_writers_who_keep_their_order()
    {
        var gate = new WriteGate();
        var order = new ConcurrentQueue<string>();
        await gate.EnterAsync(CancellationToken.None); // a write in progress

        var queued = new List<Task>();
        foreach (var name in new[] { "reply 1", "reply 2", "event batch" })
        {
            queued.Add(TakeTurnAsync(gate, name, order, urgent: false));
            await UntilAsync(() => gate.Waiting == queued.Count);
        }
        queued.Add(TakeTurnAsync(gate, "clicks", order, urgent: true));
        await UntilAsync(() => gate.Waiting == 4);

        gate.Exit();
        await Task.WhenAll(queued);
        Assert.Equal(["clicks", "reply 1", "reply 2", "event batch"], order);
        Assert.False(gate.IsHeld);
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task The_urgent_mark_ends_with_the_flow_that_set_it()
    {
        var gate = new WriteGate();
        var order = new ConcurrentQueue<string>();
        await MarkedFlowAsync(); // marks and returns: the caller's own writes are not urgent
        await gate.EnterAsync(CancellationToken.None);
        var first = TakeTurnAsync(gate, "first", order, urgent: false);
        await UntilAsync(() => gate.Waiting == 1);
        var second = Task.Run(() => TakeTurnAsync(gate, "second", order, urgent: false));
        await UntilAsync(() => gate.Waiting == 2);
        gate.Exit();
        await Task.WhenAll(first, second);
        Assert.Equal(["first", "second"], order);

        static async Task MarkedFlowAsync()
        {
            WriteGate.MarkUrgent();
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_writer_that_gives_up_leaves_the_queue_and_the_next_one_gets_the_turn()
    {
        var gate = new WriteGate();
        await gate.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var leaving = gate.EnterAsync(cancel.Token).AsTask();
        var order = new ConcurrentQueue<string>();
        await UntilAsync(() => gate.Waiting == 1);
        var staying = TakeTurnAsync(gate, "staying", order, urgent: false);
        await UntilAsync(() => gate.Waiting == 2);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving);
        Assert.Equal(1, gate.Waiting);
        gate.Exit();
        await staying;
        Assert.Equal(["staying"], order);
        Assert.False(gate.IsHeld);
    }

    /// <summary>Queues (in a flow of its own, urgent or not), records its turn, and gives the gate on.</summary>
    private static Task TakeTurnAsync(WriteGate gate, string name, ConcurrentQueue<string> order, bool urgent) => Task.Run(async () =>
    {
        if (urgent) WriteGate.MarkUrgent();
        await gate.EnterAsync(CancellationToken.None);
        order.Enqueue(name);
        gate.Exit();
    });

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "the queue did not reach the expected state within 10 s");
    }
}
