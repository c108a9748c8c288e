using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Infrastructure.Mail;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Community.Tests.Mail;

/// <summary>Two servers on one PostgreSQL database share the mail outbox: every message goes out exactly once.</summary>
public sealed class MailAcrossServersTests
{
    [PostgresFact]
    public async Task Two_servers_dispatching_the_same_outbox_send_each_message_once()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        _ = a.Services; _ = b.Services; // both servers started (and migrated) before the messages appear

        // Messages left by a server that died before sending them: unclaimed, so either server may take each one.
        const int count = 40;
        await using (var scope = a.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            for (var i = 0; i < count; i++)
                db.Add(new OutboxMessage { Recipient = $"r{i}@example.com", Subject = $"Message {i}", TextBody = "Hello", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        // Both dispatchers run a pass at the same moment, as two servers woken together would.
        static OutboxDispatcher Dispatcher(CommunityFactory f) => f.Services.GetServices<IHostedService>().OfType<OutboxDispatcher>().Single();
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[]
            { Dispatcher(a).DispatchBatchAsync(CancellationToken.None), Dispatcher(b).DispatchBatchAsync(CancellationToken.None) }));

        var mailA = new Mailbox(a.MailFolder);
        var mailB = new Mailbox(b.MailFolder);
        for (var i = 0; i < count; i++)
        {
            var recipient = $"r{i}@example.com";
            await Eventually.TrueAsync(() => mailA.CountTo(recipient) + mailB.CountTo(recipient) >= 1, () => $"message {i} was not sent");
            Assert.Equal(1, mailA.CountTo(recipient) + mailB.CountTo(recipient));
        }
    }
}
