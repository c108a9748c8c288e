using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Demo;

namespace Community.Tests.Referrals;

public sealed class DemoFactory : CommunityFactory
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Demo:Seed"] = "true" };
}

public sealed class ReferralDemoTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task The_demo_has_a_launch_campaign_and_advocates_with_credits_in_every_state()
    {
        using var client = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.Redirect, (await client.Http.GetAsync("/r/LAUNCH2026")).StatusCode);
        await client.SignInAsync("ana@demo.community", DemoSeed.Password);
        var ana = await client.DashboardAsync();
        Assert.True(ana.GetProperty("funnel").Number("clicks") >= 200);
        Assert.True(ana.GetProperty("balances").Number("available") > 0);
        Assert.True(ana.GetProperty("balances").Number("pending") > 0);
        using var ben = factory.CreateApiClient();
        await ben.SignInAsync("ben@demo.community", DemoSeed.Password);
        var states = (await ben.DashboardAsync()).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("state").GetString()).ToList();
        Assert.Contains("reversed", states);
        using var marketer = factory.CreateApiClient();
        await marketer.SignInAsync("mia@demo.community", DemoSeed.Password);
        var queue = await ApiClient.ReadAsync<JsonElement>(await marketer.GetAsync("/api/admin/referrals/review"));
        Assert.True(queue.GetArrayLength() >= 1);
    }
}
