using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.BrowserTests.Accounts;

/// <summary>Issue #11: an admin narrows the member list to a plan, reads a member's product attributes, exports the list,
/// and restricts a category to a plan from the category editor.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminMembersJourneyTests(BrowserFixture browser)
{
    private async Task<Me> CustomerAsync(string name, string plan, string account, string attributes)
    {
        using var api = browser.Server.CreateHttpApiClient();
        var me = await api.JoinAsync(name);
        await using var scope = browser.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        await db.Users.Where(u => u.Id == me.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Plan, plan)
            .SetProperty(u => u.AccountId, account).SetProperty(u => u.AccountName, account + " Inc").SetProperty(u => u.ExternalId, "ext-" + me.Id)
            .SetProperty(u => u.ProductAttributes, attributes));
        return me;
    }

    [Fact]
    public async Task Admin_filters_members_by_plan_sees_attributes_and_exports_the_filtered_list()
    {
        var t = Guid.NewGuid().ToString("N")[..6];
        var scale = await CustomerAsync($"Scale Customer {t}", $"Scale-{t}", $"acct-{t}", """{"region":"eu-west"}""");
        var basic = await CustomerAsync($"Basic Customer {t}", $"Basic-{t}", $"acct-{t}-b", "{}");
        var (page, _) = await browser.SignedInAsync("Members Admin", roles: "Admin");

        await page.GotoAsync("/admin");
        await Assertions.Expect(page.Locator("#members tr").First).ToBeAttachedAsync();
        await page.GetByLabel("Plan").SelectOptionAsync($"Scale-{t}");
        var rows = page.Locator("#members tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync(scale.DisplayName);
        await Assertions.Expect(rows.First).ToContainTextAsync($"acct-{t} Inc");
        await Assertions.Expect(page.Locator("#export")).ToHaveAttributeAsync("href", $"/api/admin/members/export.csv?plan=Scale-{t}");

        await rows.First.GetByRole(AriaRole.Button, new() { Name = $"Details of {scale.DisplayName}" }).ClickAsync();
        var detail = page.Locator("#member-detail");
        await Assertions.Expect(detail).ToBeVisibleAsync();
        await Assertions.Expect(detail).ToContainTextAsync("region");
        await Assertions.Expect(detail).ToContainTextAsync("eu-west");
        await page.AssertAccessibleAsync();
        await page.ScreenshotAsync("admin-members-1280");

        var csv = await (await page.APIRequest.GetAsync((await page.Locator("#export").GetAttributeAsync("href"))!)).TextAsync();
        Assert.Contains(scale.Id, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(basic.Id, csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_restricts_a_category_to_plans_and_accounts_in_the_category_editor()
    {
        var t = Guid.NewGuid().ToString("N")[..6];
        var (page, _) = await browser.SignedInAsync("Category Admin", roles: "Admin");
        await page.GotoAsync("/forums#category-admin");
        var form = page.Locator("#category-form");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await form.GetByLabel("Name").FillAsync($"Enterprise lounge {t}");
        await form.GetByLabel("Plans").FillAsync($"Enterprise-{t}, Scale-{t}");
        await form.GetByLabel("Account ids").FillAsync($"acct-{t}");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save category" }).ClickAsync();
        await Assertions.Expect(form.Locator(".form-status")).ToContainTextAsync("Saved");

        var categories = await (await page.APIRequest.GetAsync("/api/categories")).JsonAsync();
        var saved = categories!.Value.EnumerateArray().Single(c => c.GetProperty("name").GetString() == $"Enterprise lounge {t}");
        Assert.True(saved.GetProperty("isPrivate").GetBoolean());
        Assert.Equal(new string?[] { $"Enterprise-{t}", $"Scale-{t}" }, saved.GetProperty("readPlans").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(new string?[] { $"acct-{t}" }, saved.GetProperty("readAccounts").EnumerateArray().Select(v => v.GetString()));
        await page.AssertAccessibleAsync();
    }
}
