using System.Text.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Integrations.Webhooks;
using Community.Web.Data;
using Community.Web.Features.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Lifecycle;

/// <summary>The forum app with the daily pass left to the tests (they run it by hand after moving the clock), every webhook
/// type subscribed, and a Champion at 2 accepted answers so a test can reach it quickly.</summary>
public class LifecycleFactory : ForumFactory
{
    private readonly string? postgres;

    public LifecycleFactory() { }

    protected LifecycleFactory(string postgres) => this.postgres = postgres;

    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        if (postgres is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = postgres;
        }
        settings["Lifecycle:RecomputeStartDelaySeconds"] = "86400";
        settings["Lifecycle:ChampionAcceptedAnswers"] = "2";
        settings["Webhooks:AllowHttp"] = "true";
        settings["Webhooks:AllowPrivateTargets"] = "true";
        return settings;
    }
}

public sealed record StageChange(string From, string To, string Cause, DateTime At);
public sealed record LifecycleView(string MemberId, string Stage, string Label, DateTime Since, string Cause, List<StageChange> History);

public static class LifecycleKit
{
    public static async Task<LifecycleView> LifecycleAsync(this ApiClient staff, string memberId) =>
        await ApiClient.ReadAsync<LifecycleView>(await staff.GetAsync($"/api/admin/members/{memberId}/lifecycle"));

    /// <summary>Waits until the activity listener has moved the member to <paramref name="stage"/>.</summary>
    public static async Task<LifecycleView> StageBecomesAsync(this ApiClient staff, string memberId, string stage)
    {
        var view = await Eventually.ValueAsync(async () =>
        {
            var response = await staff.GetAsync($"/api/admin/members/{memberId}/lifecycle");
            return response.StatusCode == HttpStatusCode.OK ? await ApiClient.ReadAsync<LifecycleView>(response) : null;
        }, v => v?.Stage == stage);
        Assert.True(view?.Stage == stage, $"expected {stage}, found {view?.Stage ?? "no stage"}");
        return view!;
    }

    /// <summary>The daily pass, as the job runs it.</summary>
    public static async Task<int> DailyPassAsync(this CommunityFactory factory) =>
        await factory.Services.GetRequiredService<StageRecomputation>().RunOnceAsync(default) ?? -1;

    public static async Task<List<JsonElement>> StageEventsAsync(this CommunityFactory factory, string memberId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var rows = await db.Set<Community.Web.Features.Integrations.WebhookEvent>().AsNoTracking()
            .Where(e => e.Type == "member.stage_changed").OrderBy(e => e.CreatedAt).Select(e => e.Data).ToListAsync();
        return [.. rows.Select(r => JsonSerializer.Deserialize<JsonElement>(r)).Where(d => d.GetProperty("memberId").GetString() == memberId)];
    }

    /// <summary>Moves the clock and runs the daily pass. The webhook subscription is renewed first: its failing test target is
    /// disabled a day after its first failure.</summary>
    public static async Task AdvanceAsync(this CommunityFactory factory, TimeSpan by)
    {
        factory.Clock.Advance(by);
        SubscribeWebhooks(factory);
        await factory.DailyPassAsync();
    }

    public static void SubscribeWebhooks(CommunityFactory factory) => WebhookKit.SubscribeEverything(factory.Services);
}

public sealed class PostgresLifecycleFactory(string connectionString) : LifecycleFactory(connectionString);
