using Community.Tests.Infrastructure;
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
}
