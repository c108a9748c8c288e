using Community.Tests.Infrastructure;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Accounts;

/// <summary>The admin member filters and the keyset-paged CSV export on PostgreSQL.</summary>
public sealed class AdminMemberPostgresTests
{
    private sealed class Factory(string connectionString) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
            ["Accounts:ExportBatchSize"] = "1",
        };
    }

    [PostgresFact]
    public async Task Plan_and_account_filters_and_the_paged_export_work_on_postgres()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var factory = new Factory(database.ConnectionString);
        using var admin = await factory.MemberAsync("Pg Admin Members", "Admin");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var member = await factory.MemberAsync($"Pg Customer {i}");
            ids.Add(member.Current!.Id);
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<CommunityDb>().Users.Where(u => u.Id == member.Current.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.Plan, i < 2 ? "Enterprise" : "Pro").SetProperty(u => u.AccountId, $"acct-{i}")
                .SetProperty(u => u.AccountName, "Umbrella Corp"));
        }

        var byName = await ApiClient.ReadAsync<List<System.Text.Json.JsonElement>>(await admin.GetAsync("/api/admin/members?account=umbrella"));
        Assert.Equal(3, byName.Count);
        var csv = await (await admin.GetAsync("/api/admin/members/export.csv?plan=Enterprise&account=umbrella")).Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(ids.Take(2), id => Assert.Contains(lines, l => l.StartsWith(id, StringComparison.Ordinal)));
        Assert.DoesNotContain(ids[2], csv, StringComparison.Ordinal);
    }
}
