using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Accounts;

/// <summary>Issue #11: the admin member list shows product identity, filters by plan and account, and exports CSV safely.</summary>
public sealed class AdminMemberListTests(AdminMemberListTests.SmallBatchFactory factory) : IClassFixture<AdminMemberListTests.SmallBatchFactory>
{
    /// <summary>Exports read one member per batch, so a two-member export goes through the keyset paging.</summary>
    public sealed class SmallBatchFactory : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["Accounts:ExportBatchSize"] = "1" };
    }

    private sealed record Row(string Id, string UserName, string DisplayName, string[] Roles, string? ExternalId, string? AccountId,
        string? AccountName, string? Plan);

    private sealed record Detail(Row Member, Dictionary<string, string> Attributes);

    /// <summary>A member with product attributes as the product would have set them (written straight to the row, as the sync does).</summary>
    private async Task<ApiClient> CustomerAsync(string name, string externalId, string? accountId, string? accountName, string? plan,
        string? attributes = null, string? displayName = null)
    {
        var client = await factory.MemberAsync(name);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        await db.Users.Where(u => u.Id == client.Current!.Id).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.ExternalId, externalId).SetProperty(u => u.AccountId, accountId).SetProperty(u => u.AccountName, accountName)
            .SetProperty(u => u.Plan, plan).SetProperty(u => u.ProductAttributes, attributes)
            .SetProperty(u => u.DisplayName, u => displayName ?? u.DisplayName));
        return client;
    }

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Admins_filter_members_by_plan_and_account_and_see_product_columns()
    {
        var t = Tag();
        using var admin = await factory.MemberAsync("Admin List", "Admin");
        using var ent = await CustomerAsync("Ent One", $"ext-{t}-1", $"acct-{t}-a", $"Acme {t} Corp", $"Enterprise-{t}");
        using var ent2 = await CustomerAsync("Ent Two", $"ext-{t}-2", $"acct-{t}-b", $"Globex {t}", $"Enterprise-{t}");
        using var pro = await CustomerAsync("Pro One", $"ext-{t}-3", $"acct-{t}-a", $"Acme {t} Corp", $"Pro-{t}");

        var byPlan = await ApiClient.ReadAsync<List<Row>>(await admin.GetAsync($"/api/admin/members?plan=Enterprise-{t}"));
        Assert.Equal(new[] { ent.Current!.Id, ent2.Current!.Id }.Order(StringComparer.Ordinal),
            byPlan.Select(r => r.Id).Order(StringComparer.Ordinal));
        var first = byPlan.Single(r => r.Id == ent.Current.Id);
        Assert.Equal($"ext-{t}-1", first.ExternalId);
        Assert.Equal($"acct-{t}-a", first.AccountId);
        Assert.Equal($"Acme {t} Corp", first.AccountName);
        Assert.Equal($"Enterprise-{t}", first.Plan);

        var byAccountId = await ApiClient.ReadAsync<List<Row>>(await admin.GetAsync($"/api/admin/members?account=acct-{t}-a"));
        Assert.Equal(new[] { ent.Current.Id, pro.Current!.Id }.Order(StringComparer.Ordinal),
            byAccountId.Select(r => r.Id).Order(StringComparer.Ordinal));
        var byAccountName = await ApiClient.ReadAsync<List<Row>>(await admin.GetAsync($"/api/admin/members?account=globex%20{t}"));
        Assert.Equal(ent2.Current.Id, Assert.Single(byAccountName).Id);
        var both = await ApiClient.ReadAsync<List<Row>>(await admin.GetAsync($"/api/admin/members?plan=Pro-{t}&account=acct-{t}-a"));
        Assert.Equal(pro.Current.Id, Assert.Single(both).Id);

        var plans = await ApiClient.ReadAsync<List<JsonElement>>(await admin.GetAsync("/api/admin/members/plans"));
        Assert.Contains(plans, p => p.GetProperty("plan").GetString() == $"Enterprise-{t}" && p.GetProperty("members").GetInt32() == 2);

        var bad = await ApiClient.ProblemAsync(await admin.GetAsync($"/api/admin/members?plan={new string('p', 101)}"), HttpStatusCode.BadRequest);
        Assert.Contains("plan", bad.Errors!.Keys);
        await ApiClient.ProblemAsync(await ent.GetAsync($"/api/admin/members?plan=Enterprise-{t}"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_member_admin_view_shows_product_attributes()
    {
        var t = Tag();
        using var admin = await factory.MemberAsync("Admin Detail", "Admin");
        using var member = await CustomerAsync("Attr Member", $"ext-{t}", $"acct-{t}", "Initech", "Team",
            """{"region":"eu-west","seats":"25"}""");
        var detail = await ApiClient.ReadAsync<Detail>(await admin.GetAsync($"/api/admin/members/{member.Current!.Id}"));
        Assert.Equal($"ext-{t}", detail.Member.ExternalId);
        Assert.Equal("Team", detail.Member.Plan);
        Assert.Equal("eu-west", detail.Attributes["region"]);
        Assert.Equal("25", detail.Attributes["seats"]);
        await ApiClient.ProblemAsync(await admin.GetAsync("/api/admin/members/no-such-id"), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/admin/members/{member.Current.Id}"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Export_is_the_filtered_list_as_csv_with_formula_cells_defused()
    {
        var t = Tag();
        using var admin = await factory.MemberAsync("Admin Export", "Admin");
        using var evil = await CustomerAsync("Evil", $"ext-{t}-1", $"acct-{t}", "+SUM(1,2)", $"Scale-{t}",
            displayName: "=HYPERLINK(\"http://evil.example\",\"x\")");
        using var odd = await CustomerAsync("Odd", $"-ext-{t}-2", $"acct-{t}", "@corp", $"Scale-{t}");
        using var other = await CustomerAsync("Other", $"ext-{t}-3", $"acct-{t}-x", "Fine Corp", $"Basic-{t}");

        var response = await admin.GetAsync($"/api/admin/members/export.csv?plan=Scale-{t}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,username,display_name,email,email_confirmed,joined_at,roles,external_id,account_id,account_name,plan", lines[0],
            StringComparison.Ordinal);
        Assert.Equal(3, lines.Length); // the header and the two members on the plan, not the third
        Assert.DoesNotContain(other.Current!.Id, csv, StringComparison.Ordinal);
        var evilLine = Assert.Single(lines, l => l.StartsWith(evil.Current!.Id, StringComparison.Ordinal));
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",", evilLine, StringComparison.Ordinal);
        Assert.Contains(",\"'+SUM(1,2)\",", evilLine, StringComparison.Ordinal);
        var oddLine = Assert.Single(lines, l => l.StartsWith(odd.Current!.Id, StringComparison.Ordinal));
        Assert.Contains($",'-ext-{t}-2,", oddLine, StringComparison.Ordinal);
        Assert.Contains(",'@corp,", oddLine, StringComparison.Ordinal);
        Assert.DoesNotContain(",=", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",+", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(",@", csv, StringComparison.Ordinal);

        await ApiClient.ProblemAsync(await evil.GetAsync($"/api/admin/members/export.csv?plan=Scale-{t}"), HttpStatusCode.Forbidden);
    }
}
