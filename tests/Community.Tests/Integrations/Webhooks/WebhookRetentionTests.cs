using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Integrations;
using Community.Web.Features.Integrations.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>Events and their finished deliveries are deleted <c>Webhooks:RetentionDays</c> (30) after fan-out; a delivery still
/// retrying keeps its event.</summary>
public sealed class WebhookRetentionTests
{
    [Fact]
    public async Task Delivered_events_go_after_thirty_days_by_themselves_and_newer_ones_stay()
    {
        using var factory = new WebhookFactory();
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow);
        await receiver.StartAsync();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        receiver.Secret = (await admin.CreateEndpointAsync(receiver.Url)).Secret;
        var old = await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 2);
        await factory.DeliveriesWhenAsync(d => d.Count == 2 && d.All(x => x.State == DeliveryStates.Delivered));

        factory.Clock.Advance(TimeSpan.FromDays(31));
        var recent = await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 1);

        var left = await Eventually.ValueAsync(() => factory.DbAsync(db => db.Set<WebhookEvent>().Select(e => e.Id).ToListAsync()),
            ids => !ids.Intersect(old).Any());
        Assert.Equal(recent, left);
        var deliveries = await factory.DeliveriesWhenAsync(d => d.Count == 1 && d[0].State == DeliveryStates.Delivered);
        Assert.Equal(recent, deliveries.Select(d => d.EventId));
    }

    [Fact]
    public async Task An_old_event_whose_delivery_is_still_retrying_is_kept()
    {
        using var factory = new WebhookFactory();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var endpoint = await admin.CreateEndpointAsync("http://127.0.0.1:9/hooks");
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        db.Add(new WebhookEvent { Id = "msg_retrying", Type = WebhookTypes.ThreadCreated, Data = "{}", CreatedAt = now.AddDays(-40),
            FannedOutAt = now.AddDays(-40) });
        db.Add(new WebhookEvent { Id = "msg_finished", Type = WebhookTypes.ThreadCreated, Data = "{}", CreatedAt = now.AddDays(-40),
            FannedOutAt = now.AddDays(-40) });
        db.Add(WebhookFanout.NewDelivery("msg_retrying", endpoint.Id, now.AddDays(1)));
        var finished = WebhookFanout.NewDelivery("msg_finished", endpoint.Id, now.AddDays(-40));
        finished.State = DeliveryStates.Failed;
        db.Add(finished);
        await db.SaveChangesAsync();

        Assert.Equal(1, await WebhookRetention.RunAsync(db, now, retentionDays: 30, CancellationToken.None));
        string[] mine = ["msg_retrying", "msg_finished"];
        Assert.Equal(["msg_retrying"], await db.Set<WebhookEvent>().Where(e => mine.Contains(e.Id)).Select(e => e.Id).ToListAsync());
        Assert.Equal(0, await WebhookRetention.RunAsync(db, now, retentionDays: 0, CancellationToken.None));
    }
}
