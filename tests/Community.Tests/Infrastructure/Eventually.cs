namespace Community.Tests.Infrastructure;

/// <summary>
/// Waits for a condition instead of sleeping a fixed time: polls it, and fails only after a timeout generous enough for
/// a 2-core machine running the whole suite (a fixed sleep is either too short there or wasted time everywhere else).
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="state"/> (if given) after the timeout.</summary>
    public static async Task TrueAsync(Func<bool> condition, Func<string>? state = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"the condition did not come true within {(timeout ?? Timeout).TotalSeconds} s {state?.Invoke()}");
            await Task.Delay(Poll);
        }
    }

    /// <summary>Reads until <paramref name="done"/> holds or the timeout passes; returns the last value read (the caller asserts on it).</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
            await Task.Delay(Poll);
        }
    }

    /// <summary>
    /// Repeats <paramref name="attempt"/> until <paramref name="done"/> holds: for a message that is lost, not late, while a
    /// subscription is still starting (a connection's member group, another server's LISTEN).
    /// </summary>
    public static async Task RepeatUntilAsync(Func<Task> attempt, Func<bool> done, TimeSpan every, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            await attempt();
            var next = DateTime.UtcNow + every;
            while (!done() && DateTime.UtcNow < next) await Task.Delay(Poll);
            if (done()) return;
            Assert.True(DateTime.UtcNow < deadline, $"nothing arrived within {(timeout ?? Timeout).TotalSeconds} s of repeated attempts");
        }
    }
}
