using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Accounts;
using Community.Web.Features.Integrations;
using Community.Web.Features.Integrations.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>Events are recorded only while an enabled endpoint wants them: no endpoint, no outbox rows; on every server.</summary>
public sealed class WebhookSubscriptionTests
{
    [Fact]
    public async Task Only_events_an_enabled_endpoint_wants_are_recorded_and_private_ones_only_for_an_endpoint_that_opted_in()
    {
        using var factory = new WebhookFactory();
        var subscriptions = factory.Services.GetRequiredService<WebhookSubscriptions>();
        await KnownAsync(subscriptions, WebhookTypes.ThreadCreated, wanted: false);
        Assert.Empty(await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 3));
        Assert.Equal(0, await CountAsync(factory));

        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var endpoint = await admin.CreateEndpointAsync("http://127.0.0.1:9/crm", [WebhookTypes.ThreadCreated]);
        // Right after the change the set is being read again: until then everything is recorded, never less.
        Assert.Single(await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 1));
        await KnownAsync(subscriptions, WebhookTypes.ThreadCreated, wanted: true);
        await KnownAsync(subscriptions, WebhookTypes.PostCreated, wanted: false);
        Assert.Single(await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 1));
        Assert.Empty(await factory.AddEventsAsync(WebhookTypes.PostCreated, 2));
        Assert.Empty(await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 1, isPrivate: true));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"{WebhookKit.Api}/{endpoint.Id}/disable", new { })).StatusCode);
        await KnownAsync(subscriptions, WebhookTypes.ThreadCreated, wanted: false);
        Assert.Empty(await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 1));
        Assert.Equal(2, await CountAsync(factory));
    }

    [PostgresFact]
    public async Task An_endpoint_added_on_one_server_is_known_on_the_other_at_once()
    {
        await using var database = await Databases.CreatePostgresAsync();
        using var a = new WebhookFactory(database.ConnectionString);
        using var b = new WebhookFactory(database.ConnectionString, Path.Combine(a.Folder, "keys"));
        var onB = b.Services.GetRequiredService<WebhookSubscriptions>();
        await KnownAsync(onB, WebhookTypes.MemberUpdated, wanted: false);
        Assert.Empty(await b.AddEventsAsync(WebhookTypes.MemberUpdated, 1));

        using var admin = await a.MemberAsync("Ada Admin", Roles.Admin);
        await admin.CreateEndpointAsync("http://127.0.0.1:9/crm", [WebhookTypes.MemberUpdated]);
        await KnownAsync(onB, WebhookTypes.MemberUpdated, wanted: true, TimeSpan.FromSeconds(5)); // milliseconds, unless the machine is very busy
        Assert.Single(await b.AddEventsAsync(WebhookTypes.MemberUpdated, 1));
    }

    /// <summary>Waits until the server has read the endpoints and answers <paramref name="wanted"/> for the type.</summary>
    private static Task KnownAsync(WebhookSubscriptions subscriptions, string type, bool wanted, TimeSpan? within = null) =>
        Eventually.TrueAsync(() => subscriptions.Wants(type, false) == wanted && subscriptions.IsKnown, // asking starts the read
            () => $"known={subscriptions.IsKnown}, wants {type}={subscriptions.Wants(type, false)}", within);

    private static Task<int> CountAsync(CommunityFactory factory) => factory.DbAsync(db => db.Set<WebhookEvent>().CountAsync());
}
