using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Integrations;
using Community.Web.Features.Integrations.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>Endpoints cannot point the server at its own network (SSRF), plain http needs configuration, and only admins manage them.</summary>
public sealed class WebhookSafetyTests(GuardedWebhookFactory factory) : IClassFixture<GuardedWebhookFactory>
{
    [Theory]
    [InlineData("http://127.0.0.1/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hooks")]
    [InlineData("http://localhost:8080/hooks")]
    [InlineData("http://10.1.2.3/hooks")]
    public async Task Private_targets_are_refused_with_a_field_error_when_they_are_not_allowed(string url)
    {
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var problem = await ApiClient.ProblemAsync(await admin.PostAsync(WebhookKit.Api, new { url, eventTypes = WebhookTypes.All }),
            HttpStatusCode.BadRequest);
        Assert.Contains("private", Assert.Single(problem.Errors!["url"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_endpoint_that_resolves_to_a_private_address_is_refused_at_delivery_time()
    {
        await using var receiver = new WebhookReceiver(factory.Clock.GetUtcNow);
        await receiver.StartAsync();
        // Saved when it still pointed elsewhere (or written before the rule): the guarded connection refuses it anyway.
        var url = $"http://localhost:{receiver.Port}/hooks";
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            db.Add(new WebhookEndpoint
            {
                Id = "ep_rebound", Url = url, EventTypes = WebhookTypes.AnswerAccepted, CreatedAt = factory.Clock.GetUtcNow().UtcDateTime,
                ProtectedSecret = scope.ServiceProvider.GetRequiredService<WebhookSecrets>().Protect(WebhookSigning.NewSecret()),
            });
            await db.SaveChangesAsync();
            scope.ServiceProvider.GetRequiredService<WebhookSubscriptions>().Changed();
        }
        await factory.AddEventsAsync(WebhookTypes.AnswerAccepted, 1);

        var rows = await factory.DeliveriesWhenAsync(d => d.Any(x => x.EndpointId == "ep_rebound" && x.Attempts == 1));
        var delivery = rows.Single(x => x.EndpointId == "ep_rebound");
        Assert.Equal(DeliveryStates.Pending, delivery.State);
        Assert.Null(delivery.StatusCode);
        Assert.Contains("private", delivery.ResponseExcerpt, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Endpoint_input_is_validated_field_by_field()
    {
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var problem = await ApiClient.ProblemAsync(await admin.PostAsync(WebhookKit.Api,
            new { url = "ftp://example.com/x", eventTypes = new[] { "thread.deleted" } }), HttpStatusCode.BadRequest);
        Assert.Contains("https", Assert.Single(problem.Errors!["url"]), StringComparison.Ordinal);
        Assert.Contains("event types", Assert.Single(problem.Errors!["eventTypes"]), StringComparison.Ordinal);
        problem = await ApiClient.ProblemAsync(await admin.PostAsync(WebhookKit.Api, new { url = "https://user:pw@example.com/x",
            eventTypes = WebhookTypes.All }), HttpStatusCode.BadRequest);
        Assert.Contains("credentials", Assert.Single(problem.Errors!["url"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_admins_manage_endpoints_and_writes_need_the_csrf_token()
    {
        using var marketing = await factory.MemberAsync("Mo Marketing", Roles.Marketing);
        await ApiClient.ProblemAsync(await marketing.GetAsync(WebhookKit.Api), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await marketing.PostAsync(WebhookKit.Api, new { url = "https://example.com" }), HttpStatusCode.Forbidden);
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var list = await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync(WebhookKit.Api));
        Assert.Equal(WebhookTypes.All.Count, list.GetProperty("eventTypes").GetArrayLength());
        var forged = await admin.Http.PostAsJsonAsync(WebhookKit.Api, new { url = "https://example.com", eventTypes = WebhookTypes.All });
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
    }
}

/// <summary>Plain http is refused unless <c>Webhooks:AllowHttp</c> is set.</summary>
public sealed class HttpsOnlyWebhookTests
{
    private sealed class HttpsOnlyFactory : CommunityFactory;

    [Fact]
    public async Task Http_targets_are_refused_unless_configured()
    {
        using var factory = new HttpsOnlyFactory();
        using var admin = await factory.MemberAsync("Ada Admin", Roles.Admin);
        var problem = await ApiClient.ProblemAsync(await admin.PostAsync(WebhookKit.Api,
            new { url = "http://203.0.113.9/hooks", eventTypes = WebhookTypes.All }), HttpStatusCode.BadRequest);
        Assert.Equal("The URL must use https.", Assert.Single(problem.Errors!["url"]));
    }
}
