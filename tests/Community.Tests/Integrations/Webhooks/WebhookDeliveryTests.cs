using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Community.Web.Features.Integrations;
using Community.Web.Features.Integrations.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>Webhooks out against a real receiver on loopback that verifies every request with the Standard Webhooks algorithm.</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task Events_arrive_signed_in_the_standard_webhooks_format()
    {
        using var factory = new WebhookFactory();
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow);
        await receiver.StartAsync();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var endpoint = await admin.CreateEndpointAsync(receiver.Url);
        receiver.Secret = endpoint.Secret;
        Assert.StartsWith("whsec_", endpoint.Secret, StringComparison.Ordinal);

        var ids = await factory.AddEventsAsync(WebhookTypes.ThreadCreated, 3);

        await Eventually.TrueAsync(() => receiver.Delivered.Count == 3,
            () => string.Join(", ", receiver.Requests.Select(r => r.Refusal)));
        Assert.Equal(ids.Order(), receiver.Delivered.Order());
        var first = receiver.Requests.First();
        using var body = JsonDocument.Parse(first.Body);
        Assert.Equal("thread.created", body.RootElement.GetProperty("type").GetString());
        Assert.True(body.RootElement.TryGetProperty("timestamp", out _));
        Assert.StartsWith("https://community.example/t/", body.RootElement.GetProperty("data").GetProperty("url").GetString(),
            StringComparison.Ordinal);
        Assert.StartsWith("v1,", first.Signature, StringComparison.Ordinal);
        Assert.Equal(factory.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), first.Timestamp);
        var rows = await factory.DeliveriesWhenAsync(d => d.Count == 3 && d.All(x => x.State == DeliveryStates.Delivered));
        Assert.All(rows, d => Assert.Equal((1, 200, "thanks"), (d.Attempts, d.StatusCode, d.ResponseExcerpt)));
    }

    [Fact]
    public async Task A_failing_then_stopped_receiver_gets_every_event_after_backoff_with_the_same_webhook_id()
    {
        using var factory = new WebhookFactory();
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow) { FailWith = 503 };
        await receiver.StartAsync();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        receiver.Secret = (await admin.CreateEndpointAsync(receiver.Url)).Secret;
        var ids = await factory.AddEventsAsync(WebhookTypes.PostCreated, 5);

        // First attempt: the receiver answers 503; the next is 30 s later.
        var rows = await factory.DeliveriesWhenAsync(d => d.Count == 5 && d.All(x => x.Attempts == 1));
        Assert.All(rows, d => Assert.Equal((DeliveryStates.Pending, 503, d.LastAttemptAt!.Value.AddSeconds(30)),
            (d.State, d.StatusCode, d.NextAttemptAt)));

        // Second attempt: nobody listens; the next is 2 minutes later.
        await receiver.StopAsync();
        factory.Clock.Advance(TimeSpan.FromSeconds(31));
        rows = await factory.DeliveriesWhenAsync(d => d.All(x => x.Attempts == 2));
        Assert.All(rows, d => Assert.Equal((DeliveryStates.Pending, (int?)null, d.LastAttemptAt!.Value.AddMinutes(2)),
            (d.State, d.StatusCode, d.NextAttemptAt)));
        Assert.All(rows, d => Assert.False(string.IsNullOrEmpty(d.ResponseExcerpt)));

        // Nothing is sent before it is due.
        factory.Clock.Advance(TimeSpan.FromSeconds(60));
        receiver.FailWith = 0;
        await receiver.StartAsync();
        Assert.Equal(5, receiver.Requests.Count);
        factory.Clock.Advance(TimeSpan.FromSeconds(61));

        await Eventually.TrueAsync(() => receiver.Delivered.Count == 5);
        Assert.Equal(ids.Order(), receiver.Delivered.Order());
        Assert.All(receiver.Requests, r => Assert.Null(r.Refusal));
        // Each event came twice (503, then 200) with the same webhook-id.
        Assert.All(receiver.Requests.GroupBy(r => r.Id), g => Assert.Equal([503, 200], g.Select(r => r.Answered)));
        rows = await factory.DeliveriesWhenAsync(d => d.All(x => x.State == DeliveryStates.Delivered));
        Assert.All(rows, d => Assert.Equal(3, d.Attempts));
    }

    [Fact]
    public async Task Private_events_go_only_to_opted_in_endpoints_and_each_endpoint_gets_only_its_types()
    {
        using var factory = new WebhookFactory();
        await using var open = new WebhookReceiver(factory.Clock.GetUtcNow);
        await using var opted = new WebhookReceiver(factory.Clock.GetUtcNow);
        await open.StartAsync();
        await opted.StartAsync();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        open.Secret = (await admin.CreateEndpointAsync(open.Url, [WebhookTypes.PostCreated, WebhookTypes.MemberCreated])).Secret;
        opted.Secret = (await admin.CreateEndpointAsync(opted.Url, [WebhookTypes.PostCreated], includePrivate: true)).Secret;

        var publicPost = await factory.AddEventsAsync(WebhookTypes.PostCreated, 1);
        var privatePost = await factory.AddEventsAsync(WebhookTypes.PostCreated, 1, isPrivate: true);
        var member = await factory.AddEventsAsync(WebhookTypes.MemberCreated, 1);
        await factory.AddEventsAsync(WebhookTypes.CreditGranted, 1);

        await Eventually.TrueAsync(() => open.Delivered.Count == 2 && opted.Delivered.Count == 2);
        Assert.Equal(publicPost.Concat(member).Order(), open.Delivered.Order());
        Assert.Equal(publicPost.Concat(privatePost).Order(), opted.Delivered.Order());
        Assert.Equal(4, (await factory.DeliveriesAsync()).Count);
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_for_24_hours_then_only_the_new_one()
    {
        using var factory = new WebhookFactory();
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow);
        await receiver.StartAsync();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var endpoint = await admin.CreateEndpointAsync(receiver.Url);
        var rotated = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync($"{WebhookKit.Api}/{endpoint.Id}/rotate"));
        var fresh = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(endpoint.Secret, fresh);

        receiver.Secret = endpoint.Secret; // a receiver that has not switched yet
        await factory.AddEventsAsync(WebhookTypes.StoryPublished, 1);
        await Eventually.TrueAsync(() => receiver.Delivered.Count == 1);
        var signed = receiver.Requests.Single();
        Assert.Equal(2, signed.Signature.Split(' ').Length);
        Assert.Null(StandardWebhooksReference.Verify(fresh, signed.Id, signed.Timestamp, signed.Signature, signed.Body, factory.Clock.GetUtcNow()));

        factory.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        await factory.AddEventsAsync(WebhookTypes.StoryPublished, 1);
        await Eventually.TrueAsync(() => receiver.Requests.Count == 2);
        var late = receiver.Requests.Last();
        Assert.Single(late.Signature.Split(' '));
        Assert.NotNull(late.Refusal); // the old secret no longer signs
        Assert.Null(StandardWebhooksReference.Verify(fresh, late.Id, late.Timestamp, late.Signature, late.Body, factory.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task An_endpoint_failing_for_24_hours_is_disabled_and_admins_are_mailed_and_its_deliveries_wait()
    {
        using var factory = new WebhookFactory();
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow) { FailWith = 500 };
        await receiver.StartAsync();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var endpoint = await admin.CreateEndpointAsync(receiver.Url);
        receiver.Secret = endpoint.Secret;
        await factory.AddEventsAsync(WebhookTypes.FlagCreated, 1);

        await factory.DeliveriesWhenAsync(d => d.Count == 1 && d[0].Attempts == 1);
        for (var attempt = 2; attempt <= WebhookRetries.MaxAttempts; attempt++)
        {
            Assert.True((await factory.EndpointAsync(endpoint.Id)).Enabled, $"disabled before attempt {attempt}");
            factory.Clock.Advance(WebhookRetries.DelayAfter(attempt - 1));
            var expected = attempt;
            await factory.DeliveriesWhenAsync(d => d[0].Attempts == expected);
        }
        var failed = (await factory.DeliveriesAsync()).Single();
        Assert.Equal(DeliveryStates.Failed, failed.State);
        var disabled = await factory.EndpointAsync(endpoint.Id);
        Assert.False(disabled.Enabled);
        Assert.Contains("24 hours", disabled.DisabledReason, StringComparison.Ordinal);
        var mail = await admin.Mail.WaitForAsync(admin.Current!.Email, "webhook endpoint disabled");
        Assert.Contains(receiver.Url, mail, StringComparison.Ordinal);
        Assert.Equal(8, receiver.Requests.Count); // about 8 attempts over 24 hours

        // Redelivered while disabled, it waits; enabled again (and the receiver fixed), it goes.
        receiver.FailWith = 0;
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"{WebhookKit.Api}/{endpoint.Id}/deliveries/{failed.Id}/redeliver")).StatusCode);
        await Task.Yield();
        Assert.Empty(receiver.Delivered);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"{WebhookKit.Api}/{endpoint.Id}/enable")).StatusCode);
        await Eventually.TrueAsync(() => receiver.Delivered.Count == 1);
        Assert.True((await factory.EndpointAsync(endpoint.Id)).Enabled);
    }

    [Fact]
    public async Task Dispatchers_racing_for_the_same_deliveries_send_each_one_once()
    {
        using var factory = new WebhookFactory();
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow);
        await receiver.StartAsync();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        receiver.Secret = (await admin.CreateEndpointAsync(receiver.Url)).Secret;
        var ids = await factory.AddEventsAsync(WebhookTypes.MemberUpdated, 300);

        // Three more "servers" run delivery passes against the same database alongside the app's own dispatcher.
        var pass = factory.Services.GetRequiredService<WebhookDeliveryPass>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + Eventually.Timeout;
            while (receiver.Delivered.Count < 300 && DateTime.UtcNow < deadline) await pass.RunAsync(CancellationToken.None);
        })));
        await Eventually.TrueAsync(() => receiver.Delivered.Count == 300);
        Assert.Equal(300, receiver.Requests.Count);
        Assert.Equal(ids.Order(), receiver.Delivered.Order());
    }

    [PostgresFact]
    public async Task Two_servers_on_one_postgres_database_deliver_each_event_once()
    {
        await using var database = await Databases.CreatePostgresAsync();
        using var a = new WebhookFactory(database.ConnectionString);
        using var b = new WebhookFactory(database.ConnectionString, Path.Combine(a.Folder, "keys"));
        await using var receiver = new WebhookReceiver(a.Clock.GetUtcNow);
        await receiver.StartAsync();
        using var admin = await a.MemberAsync("Ada Admin", Roles.Admin);
        receiver.Secret = (await admin.CreateEndpointAsync(receiver.Url)).Secret;
        _ = b.Services; // the second server starts its dispatcher too
        var ids = (await a.AddEventsAsync(WebhookTypes.PostCreated, 150)).Concat(await b.AddEventsAsync(WebhookTypes.PostCreated, 150)).ToList();

        await Eventually.TrueAsync(() => receiver.Delivered.Count == 300);
        Assert.Equal(300, receiver.Requests.Count);
        Assert.Equal(ids.Order(), receiver.Delivered.Order());
    }
}
