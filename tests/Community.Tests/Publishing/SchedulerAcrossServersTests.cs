using System.Text.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Integrations.Webhooks;
using Community.Tests.Referrals;
using Community.Web.Features.Integrations;
using Community.Web.Features.Publishing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Community.Tests.Publishing;

/// <summary>Two servers on one PostgreSQL database: the scheduled-publishing job runs on one of them at a time.</summary>
public sealed class SchedulerAcrossServersTests
{
    private sealed class Server(string connectionString) : ForumFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = connectionString;
            settings["Publishing:SchedulerSeconds"] = "3600"; // the background loop passes once at start; the test drives the rest
            return settings;
        }

        protected override IHost CreateHost(IHostBuilder builder)
        {
            var host = base.CreateHost(builder);
            WebhookKit.SubscribeEverything(host.Services); // events are recorded only for a subscribed endpoint
            return host;
        }

        public Task<int?> PassAsync() => Services.GetRequiredService<StoryScheduler>().RunOnceAsync(CancellationToken.None);
    }

    [PostgresFact]
    public async Task A_scheduled_story_publishes_once_and_a_crashed_holders_job_is_taken_over()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new Server(database.ConnectionString);
        await using var b = new Server(database.ConnectionString);
        using var marketer = await a.MemberAsync("Lease Marketer", "Marketing");
        using var visitorOnB = b.CreateApiClient();
        await visitorOnB.GetAsync("/healthz"); // B is up
        b.Clock.Advance(a.Clock.GetUtcNow() - b.Clock.GetUtcNow());

        var first = await ScheduleAsync(marketer, a, "lease-first");
        a.Clock.Advance(TimeSpan.FromMinutes(2));
        b.Clock.Advance(TimeSpan.FromMinutes(2));
        var passes = await Task.WhenAll(a.PassAsync(), b.PassAsync());
        // Exactly one server holds the job; the other skipped its pass.
        Assert.Single(passes, p => p is null);
        Assert.Single(passes, p => p == 1);
        Assert.Equal(1, await PublishedEventsAsync(a, first));
        var (holder, other) = passes[0] is null ? (b, a) : (a, b);
        Assert.Null(await other.PassAsync());

        // The holder stops renewing (it crashed); once its lease has run out the other server takes the job over.
        var second = await ScheduleAsync(marketer, a, "lease-second");
        other.Clock.Advance(TimeSpan.FromHours(4));
        Assert.Equal(1, await other.PassAsync());
        Assert.Equal(1, await PublishedEventsAsync(a, second));
        Assert.Null(await holder.PassAsync()); // back from the dead, it no longer runs the job
        Assert.Equal(1, await PublishedEventsAsync(a, first));
    }

    private static async Task<int> ScheduleAsync(ApiClient marketer, CommunityFactory server, string slug)
    {
        var created = await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync("/api/stories", new
        {
            kind = "spotlight", slug, title = "Story " + slug, customer = "Acme Ltd", summary = "What changed.", body = "Body",
            personName = "Pat Doe", personRole = "CTO", quote = "It works.", industry = "Manufacturing", companySize = "51-200",
            productArea = "Analytics",
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt32();
        var at = server.Clock.GetUtcNow().UtcDateTime.AddMinutes(1);
        await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync($"/api/stories/{id}/publish", new { publishAt = at }));
        return id;
    }

    private static async Task<int> PublishedEventsAsync(CommunityFactory server, int storyId) =>
        (await server.DbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => e.Type == WebhookTypes.StoryPublished).ToListAsync()))
        .Count(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("storyId").GetInt32() == storyId);
}
