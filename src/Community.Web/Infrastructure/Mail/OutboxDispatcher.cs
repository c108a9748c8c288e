using Community.Web.Data;
using Community.Web.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Infrastructure.Mail;

/// <summary>
/// Delivers outbox messages in order, retrying failures with a growing delay. With several servers on one database each
/// message is claimed (one conditional UPDATE) before it is sent, so only one server sends it; a claim that runs out (its server
/// died mid-send) lets another server take the message over.
/// </summary>
internal sealed partial class OutboxDispatcher(IServiceScopeFactory scopes, IMailTransport transport, OutboxSignal signal, TimeProvider clock,
    JobLeases leases, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const int MaxAttempts = 8, BatchSize = 50;
    /// <summary>How long a claim lasts: longer than a send (SMTP timeouts included) so two servers never send one message.</summary>
    internal static readonly TimeSpan Claim = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0) { }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDispatchFailed(logger, ex);
            }
            try { await signal.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    internal async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var me = leases.Holder;
        var ids = await Sendable(db, me, now).OrderBy(m => m.Id).Select(m => m.Id).Take(BatchSize).ToListAsync(ct);
        // The same condition again in the UPDATE: of two servers racing for a message, the row lock lets only one match.
        if (ids.Count > 0)
        {
            await Sendable(db, me, now).Where(m => ids.Contains(m.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.ClaimedBy, me).SetProperty(m => m.ClaimedUntil, now + Claim), ct);
        }
        var pending = ids.Count == 0 ? [] : await db.Set<OutboxMessage>()
            .Where(m => ids.Contains(m.Id) && m.ClaimedBy == me && m.SentAt == null).OrderBy(m => m.Id).ToListAsync(ct);
        var sent = 0;
        foreach (var message in pending)
        {
            // Back off exponentially between attempts (1 s, 2 s, 4 s, ...).
            if (message.Attempts > 0 && message.CreatedAt.AddSeconds(Math.Pow(2, message.Attempts)) > now) continue;
            try
            {
                await transport.SendAsync(message, ct);
                message.SentAt = now;
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                message.Attempts++;
                message.LastError = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
                LogSendFailed(logger, message.Id, message.Attempts, ex.Message);
                CommunityMetrics.MailFailed();
            }
        }
        await db.SaveChangesAsync(ct);
        CommunityMetrics.MailSent(sent);
        // A short batch held every pending message; only a full one needs counting what lies beyond it.
        CommunityMetrics.MailOutboxDepth(pending.Count < BatchSize ? pending.Count - sent
            : await db.Set<OutboxMessage>().CountAsync(m => m.SentAt == null && m.Attempts < MaxAttempts, ct));
        return sent;
    }

    private static IQueryable<OutboxMessage> Sendable(CommunityDb db, string me, DateTime now) => db.Set<OutboxMessage>()
        .Where(m => m.SentAt == null && m.Attempts < MaxAttempts && (m.ClaimedBy == me || m.ClaimedUntil == null || m.ClaimedUntil < now));

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox dispatch failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending outbox message {Id} failed (attempt {Attempt}): {Error}")]
    private static partial void LogSendFailed(ILogger logger, long id, int attempt, string error);
}
