using System.Text.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Integrations.Webhooks;
using Community.Web.Features.Lifecycle;
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

    /// <summary>Moves the clock and runs the daily pass.</summary>
    public static async Task AdvanceAsync(this CommunityFactory factory, TimeSpan by)
    {
        factory.Clock.Advance(by);
        await factory.DailyPassAsync();
    }

    /// <summary>The member.stage_changed payloads a receiver got for one member, as (from, to, cause).</summary>
    public static List<(string From, string To, string Cause)> StageEvents(WebhookReceiver receiver, string memberId) =>
        // Delivery is at least once: a retry (a test's clock jump can outlive a delivery's lease) repeats a webhook-id, which a
        // receiver counts once, as Standard Webhooks asks.
        [.. receiver.Requests.Where(r => r.Refusal is null).DistinctBy(r => r.Id).Select(r => JsonSerializer.Deserialize<JsonElement>(r.Body))
            .Where(b => b.GetProperty("type").GetString() == "member.stage_changed")
            .Select(b => b.GetProperty("data"))
            .Where(d => d.GetProperty("memberId").GetString() == memberId)
            .Select(d => (d.GetProperty("from").GetString()!, d.GetProperty("to").GetString()!, d.GetProperty("cause").GetString()!))];
}

public sealed class PostgresLifecycleFactory(string connectionString) : LifecycleFactory(connectionString);
