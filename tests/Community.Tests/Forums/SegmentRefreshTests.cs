using System.Net.Http.Json;
using Community.Tests.Accounts.Sso;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Security;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Forums;

/// <summary>Issue #11: the cookie carries the member's plan, so a plan the product changes must reach it; it does at Identity's
/// periodic security-stamp check (30 minutes), which rebuilds the cookie from the member row. Own factory: the clock moves.</summary>
public sealed class SegmentRefreshTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private async Task SetPlanAsync(string memberId, string? plan)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CommunityDb>().Users.Where(u => u.Id == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Plan, plan));
    }

    [Fact]
    public async Task A_downgraded_member_loses_the_segment_category_once_the_cookie_is_rechecked()
    {
        using var admin = await factory.MemberAsync("Admin Refresh", "Admin");
        using var member = await factory.MemberAsync("Downgraded Member");
        var category = await ApiClient.ReadAsync<SegmentCategoryView>(await admin.PostAsync("/api/categories", new
        {
            name = "Enterprise refresh", slug = "enterprise-refresh", description = "x", readPlans = new[] { "Enterprise" },
        }), HttpStatusCode.Created);
        await SetPlanAsync(member.Current!.Id, "Enterprise");
        await member.SignInAsync(member.Current.Email);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/categories/{category.Slug}")).StatusCode);

        await SetPlanAsync(member.Current.Id, "Starter");
        factory.Clock.Advance(TimeSpan.FromMinutes(31));
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/categories/{category.Slug}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_plan_the_product_changes_through_member_sync_applies_on_the_next_request()
    {
        using var admin = await factory.MemberAsync("Admin Sync Refresh", "Admin");
        using var member = await factory.MemberAsync("Synced Member");
        var category = await ApiClient.ReadAsync<SegmentCategoryView>(await admin.PostAsync("/api/categories", new
        {
            name = "Enterprise sync", slug = "enterprise-sync", description = "x", readPlans = new[] { "Enterprise" },
        }), HttpStatusCode.Created);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CommunityDb>().Users.Where(u => u.Id == member.Current!.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.ExternalId, "sync-refresh-1"));
        }
        using var product = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite);
        Assert.Equal(HttpStatusCode.OK, (await product.PatchAsJsonAsync("/api/members/external/sync-refresh-1", new { plan = "Enterprise" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/categories/{category.Slug}")).StatusCode);

        // No clock moves: the downgrade reaches the signed-in member's very next request.
        Assert.Equal(HttpStatusCode.OK, (await product.PatchAsJsonAsync("/api/members/external/sync-refresh-1", new { plan = "Starter" })).StatusCode);
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/categories/{category.Slug}"), HttpStatusCode.NotFound);
    }
}
