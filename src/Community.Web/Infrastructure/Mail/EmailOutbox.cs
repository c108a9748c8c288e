using Community.Web.Data;
using Community.Web.Infrastructure.Jobs;

namespace Community.Web.Infrastructure.Mail;

/// <summary>Queues email in the caller's unit of work; the dispatcher sends it after commit.</summary>
public sealed class EmailOutbox(CommunityDb db, TimeProvider clock, OutboxSignal signal, JobLeases leases)
{
    /// <summary>Adds the message to the context; it is stored by the caller's SaveChanges.</summary>
    public void Enqueue(string recipient, string subject, string textBody) => Enqueue(recipient, subject, textBody, null, null);

    /// <summary>Adds a message with an optional HTML part and one-click unsubscribe address (stored by the caller's SaveChanges).</summary>
    public void Enqueue(string recipient, string subject, string textBody, string? htmlBody, string? unsubscribeUrl)
    {
        db.Add(new OutboxMessage
        {
            Recipient = recipient,
            Subject = subject,
            TextBody = textBody,
            HtmlBody = htmlBody,
            UnsubscribeUrl = unsubscribeUrl,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            // Offered first to this server, which is woken at once; another takes it only if this one dies before sending.
            ClaimedBy = leases.Holder,
            ClaimedUntil = clock.GetUtcNow().UtcDateTime + OutboxDispatcher.Claim,
        });
        signal.Pulse();
    }
}

/// <summary>Wakes the dispatcher early instead of waiting for its next poll.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Pulse()
    {
        if (_semaphore.CurrentCount == 0)
        {
            try { _semaphore.Release(); } catch (SemaphoreFullException) { /* already pulsed */ }
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);

    public void Dispose() => _semaphore.Dispose();
}
