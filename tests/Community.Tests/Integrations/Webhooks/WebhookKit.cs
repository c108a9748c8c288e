using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Integrations;
using Community.Web.Features.Integrations.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>The app with webhooks allowed to reach a loopback receiver over http, polling often.</summary>
public class WebhookFactory(string? postgres = null, string? keysFolder = null) : CommunityFactory
{
    protected virtual bool AllowPrivateTargets => true;

    protected override IDictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:AllowHttp"] = "true",
            ["Webhooks:AllowPrivateTargets"] = AllowPrivateTargets ? "true" : "false",
            ["Webhooks:PollMilliseconds"] = "50",
        };
        if (postgres is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = postgres;
        }
        if (keysFolder is not null) settings["DataProtection:KeysFolder"] = keysFolder; // servers share their keys, as deployed
        return settings;
    }
}

/// <summary>The same app with private targets refused, as in production.</summary>
public sealed class GuardedWebhookFactory : WebhookFactory
{
    protected override bool AllowPrivateTargets => false;
}

public sealed record CreatedEndpoint(string Id, string Secret);

public static class WebhookKit
{
    public const string Api = "/api/admin/integrations/webhooks";
    public const string EveryTypeEndpoint = "ep_every_type";

    /// <summary>Every type but member.stage_changed: stage changes follow any member's activity a moment later, in the background,
    /// and would add deliveries the delivery tests do not drive (the lifecycle tests subscribe to them explicitly).</summary>
    public static readonly IReadOnlyList<string> EveryTypeButStages = [.. WebhookTypes.All.Where(t => t != WebhookTypes.MemberStageChanged)];

    public static async Task<CreatedEndpoint> CreateEndpointAsync(this ApiClient admin, string url, IReadOnlyList<string>? types = null,
        bool includePrivate = false)
    {
        var body = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync(Api, new
        {
            url,
            description = "CRM",
            eventTypes = types ?? EveryTypeButStages,
            includePrivate,
        }), HttpStatusCode.Created);
        return new CreatedEndpoint(body.GetProperty("endpoint").GetProperty("id").GetString()!, body.GetProperty("secret").GetString()!);
    }

    /// <summary>An enabled endpoint wanting every type, private ones too: features record an event only when some endpoint wants
    /// it, so tests that read the recorded events subscribe first. Its target is refused, so its deliveries fail and, a test day
    /// later, disable it: a test that moves its clock on waits for that and calls this again to enable it afresh.</summary>
    public static void SubscribeEverything(IServiceProvider services)
    {
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var endpoint = db.Set<WebhookEndpoint>().FirstOrDefault(e => e.Id == EveryTypeEndpoint);
            if (endpoint is null)
            {
                db.Add(endpoint = new WebhookEndpoint
                {
                    Id = EveryTypeEndpoint, Url = "http://127.0.0.1:9/", Description = "every type", EventTypes = string.Join(' ', WebhookTypes.All),
                    IncludePrivate = true, ProtectedSecret = "", CreatedAt = DateTime.UtcNow,
                });
            }
            (endpoint.Enabled, endpoint.FailingSince, endpoint.DisabledReason) = (true, null, null);
            try { db.SaveChanges(); }
            catch (DbUpdateException) { /* another server of the same test added it first */ }
        }
        services.GetRequiredService<WebhookSubscriptions>().Changed();
    }

    /// <summary>Records events the way features do: through IWebhookEvents in a write, committed together.</summary>
    public static async Task<List<string>> AddEventsAsync(this CommunityFactory factory, string type, int count, bool isPrivate = false)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var events = scope.ServiceProvider.GetRequiredService<IWebhookEvents>();
        await using var tx = await db.BeginWriteAsync();
        for (var i = 0; i < count; i++) events.Add(db, type, new { threadId = i + 1, url = $"https://community.example/t/{i + 1}" }, isPrivate);
        var ids = db.ChangeTracker.Entries<WebhookEvent>().Select(e => e.Entity.Id).ToList();
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return ids;
    }

    public static async Task<List<WebhookDelivery>> DeliveriesAsync(this CommunityFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CommunityDb>().Set<WebhookDelivery>().AsNoTracking().ToListAsync();
    }

    public static async Task<WebhookEndpoint> EndpointAsync(this CommunityFactory factory, string id)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CommunityDb>().Set<WebhookEndpoint>().AsNoTracking().SingleAsync(e => e.Id == id);
    }

    /// <summary>Waits until the deliveries satisfy <paramref name="done"/>; returns them.</summary>
    public static async Task<List<WebhookDelivery>> DeliveriesWhenAsync(this CommunityFactory factory, Func<List<WebhookDelivery>, bool> done)
    {
        var rows = await Eventually.ValueAsync(factory.DeliveriesAsync, done);
        Assert.True(done(rows), "The deliveries did not reach the expected state: " + string.Join("; ",
            rows.Select(d => $"{d.EventId} {d.State} attempts={d.Attempts} status={d.StatusCode} {d.ResponseExcerpt}")));
        return rows;
    }
}
