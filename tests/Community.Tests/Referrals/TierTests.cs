using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Tests.Lifecycle;
using Community.Web.Features.Lifecycle;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Referrals;

/// <summary>Advocate tiers: the multiplier is its own explained ledger entry, paid once, reversed with its reward; tier changes notify
/// and the top tier makes a Champion. Changes the program: this class has its own app.</summary>
public sealed class TierTests(LifecycleFactory factory) : IClassFixture<LifecycleFactory>
{
    [Fact]
    public async Task A_tier_bonus_is_its_own_explained_entry_paid_once_under_concurrent_reports_and_reversed_pro_rata_by_a_refund()
    {
        await factory.SetProgramAsync(p =>
        {
            p["signupAdvocateCredits"] = 0;
            p["conversionAdvocateCredits"] = 1000;
            p["conversionAdvocatePercent"] = 0;
            p["milestones"] = "";
            p["monthlyCap"] = 0;
            p["lifetimeCap"] = 0;
            p["tierBronzeConversions"] = 1;
            p["tierBronzePercent"] = 100;
            p["tierSilverConversions"] = 2;
            p["tierSilverPercent"] = 125;
            p["tierGoldConversions"] = 3;
            p["tierGoldPercent"] = 150;
        });
        using var staff = await factory.MemberAsync("Tier Staff", "Moderator");
        using var advocate = await factory.MemberAsync("Tier Advocate");
        var id = advocate.Current!.Id;
        var code = await advocate.CodeAsync();
        var key = await ReferralKit.CreateKeyAsync(factory);
        var http = factory.CreateClient();
        var friends = new List<Me>();
        for (var i = 0; i < 3; i++)
        {
            using var friend = factory.CreateApiClient();
            friends.Add(await friend.JoinWithCodeAsync($"Tier Friend {i}", code));
        }
        object Payment(int i) =>
            new { id = $"tier-pay-{i}", type = "conversion", customer = new { email = friends[i].Email }, amount = 5000, currency = "USD" };

        await factory.EventOkAsync(http, key, Payment(0));
        var bronze = await advocate.DashboardAsync();
        Assert.Equal("Bronze", bronze.GetProperty("tier").GetProperty("tier").GetString());
        Assert.Equal("Silver", bronze.GetProperty("tier").GetProperty("nextTier").GetString());
        Assert.Equal(1, bronze.GetProperty("tier").GetProperty("toNext").GetInt32());
        await factory.EventOkAsync(http, key, Payment(1));
        // Ten reports of the same payment at once: one reward, one bonus.
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => factory.PostEventAsync(http, key, Payment(2))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var ledger = await factory.LedgerAsync(id);
        Assert.Equal([1000, 1000, 1000], ledger.Where(e => e.Reason == RuleKeys.ConversionAdvocate).Select(e => e.Amount));
        Assert.Equal(250, Assert.Single(ledger, e => e.Reason == "tier:silver:125:conversion:advocate").Amount);
        var gold = Assert.Single(ledger, e => e.Reason == "tier:gold:150:conversion:advocate");
        Assert.Equal(500, gold.Amount);
        Assert.Equal(3750, ledger.Sum(e => e.Amount));

        var dashboard = await advocate.DashboardAsync();
        var entry = dashboard.GetProperty("entries").EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == gold.Id);
        Assert.Equal("Gold tier bonus ×1.5 on: Your referral became a paying customer", entry.GetProperty("explanation").GetString());
        var tier = dashboard.GetProperty("tier");
        Assert.Equal("Gold", tier.GetProperty("tier").GetString());
        Assert.Equal(3, tier.GetProperty("conversions").GetInt32());
        Assert.Equal(JsonValueKind.Null, tier.GetProperty("nextTier").ValueKind);

        // A 30% refund of the Gold payment takes back 30% of the reward and 30% of its bonus.
        await factory.EventOkAsync(http, key, new { id = "tier-refund-2", type = "refund", customer = new { email = friends[2].Email }, amount = 1500,
            currency = "USD", conversionId = "tier-pay-2" });
        var after = await factory.LedgerAsync(id);
        Assert.Equal(-150, Assert.Single(after, e => e.ReversesEntryId == gold.Id).Amount);
        Assert.Equal(-300, Assert.Single(after, e => e.Kind == LedgerKind.Reversal && e.ReversesEntryId != gold.Id).Amount);

        var changes = await factory.DbAsync(db => db.Set<AdvocateTierChange>().AsNoTracking().Where(c => c.MemberId == id)
            .OrderBy(c => c.Id).Select(c => c.ToTier).ToListAsync());
        Assert.Equal(["Bronze", "Silver", "Gold"], changes);
        var mail = await advocate.Mail.WaitForAsync(advocate.Current.Email, "Gold advocate tier");
        Assert.Contains("1.5", mail, StringComparison.Ordinal);

        var champion = await staff.StageBecomesAsync(id, Stages.Champion);
        Assert.Equal("reached the Gold advocate tier", champion.Cause);

        // Thirteen months on, the customers have aged out of the window: the review moves the advocate down once and tells them.
        factory.Clock.Advance(TimeSpan.FromDays(400));
        Assert.Equal(1, await ReviewAsync());
        Assert.Equal(0, await ReviewAsync()); // the same day again: nothing twice
        var lapsed = await factory.DbAsync(db => db.Set<AdvocateTierChange>().AsNoTracking().Where(c => c.MemberId == id)
            .OrderBy(c => c.Id).Select(c => c.FromTier + ">" + c.ToTier).ToListAsync());
        Assert.Equal(["Gold>"], lapsed.Skip(3));
        Assert.Contains("advocate tier has lapsed", await advocate.Mail.WaitForAsync(advocate.Current.Email, "lapsed"), StringComparison.Ordinal);
        await advocate.SignInAgainAsync(); // a session does not last 400 days
        Assert.Equal(JsonValueKind.Null, (await advocate.DashboardAsync()).GetProperty("tier").GetProperty("tier").ValueKind);
    }

    private async Task<int> ReviewAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TierReview>().RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Tier_thresholds_must_rise_and_multipliers_stay_in_range()
    {
        using var marketing = await factory.MemberAsync("Tier Marketer", "Marketing");
        var program = await ApiClient.ReadAsync<Dictionary<string, object?>>(await marketing.GetAsync("/api/admin/referrals/program"));
        program["tierSilverConversions"] = 1;
        program["tierBronzeConversions"] = 2;
        program["tierGoldPercent"] = 50;
        var problem = await ApiClient.ProblemAsync(await marketing.PutAsync("/api/admin/referrals/program", program), HttpStatusCode.BadRequest);
        Assert.Contains("tierSilverConversions", problem.Errors!.Keys);
        Assert.Contains("tierGoldPercent", problem.Errors!.Keys);
    }
}
