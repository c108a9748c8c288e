using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using static Community.Tests.Integrations.BillingKit;

namespace Community.Tests.Integrations;

/// <summary>Recurring rewards through Stripe: a percentage of each renewal invoice, once per invoice, held, reversed on refund.</summary>
public sealed class StripeRecurringRewardTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Each_renewal_invoice_earns_its_percentage_once_held_and_a_refund_reverses_it()
    {
        await factory.SetProgramAsync(p => (p["recurringMode"], p["recurringPercent"], p["recurringMonths"]) = ("percent", 10, 12));
        var advocate = await factory.MemberAsync("Renewal Advocate");
        using var friendClient = factory.CreateApiClient();
        var friend = await friendClient.JoinWithCodeAsync("Renewal Friend", await advocate.CodeAsync());
        var http = factory.CreateClient();
        var customer = Id("cus");

        await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), customer, friend.Email, 4900)));
        Assert.Empty(await RecurringAsync(advocate));

        var (renewal, intent) = (Id("in"), Id("pi"));
        var renewalEvent = StripeEvent("invoice.paid", Invoice(renewal, customer, friend.Email, 4900, paymentIntent: intent,
            billingReason: "subscription_cycle"));
        var applied = await StripeOkAsync(http, renewalEvent);
        Assert.Equal("applied", applied.GetProperty("outcome").GetString());
        Assert.Contains("recurring payment of 49.00 USD; credits +490 to the advocate", applied.GetProperty("reason").GetString());
        var entry = Assert.Single(await RecurringAsync(advocate));
        Assert.Equal(490, entry.Amount);
        Assert.True(entry.AvailableAt >= entry.CreatedAt.AddDays(30), "held like the other credits");

        // The provider's retry, another event about the same invoice, and the product reporting it too: still one credit.
        Assert.True((await StripeOkAsync(http, renewalEvent)).GetProperty("duplicate").GetBoolean());
        await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(renewal, customer, friend.Email, 4900, billingReason: "subscription_cycle")));
        var key = await ReferralKit.CreateKeyAsync(factory);
        await factory.EventOkAsync(http, key, new { id = renewal, type = "conversion", customer = new { email = friend.Email }, amount = 4900, currency = "USD" });
        Assert.Single(await RecurringAsync(advocate));

        // A second renewal earns again; refunding the first renewal in full takes back only its 490.
        await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), customer, friend.Email, 9900, billingReason: "subscription_cycle")));
        Assert.Equal([490, 990], (await RecurringAsync(advocate)).Select(e => e.Amount));
        await StripeOkAsync(http, StripeEvent("charge.refunded", Charge(Id("ch"), intent, customer, 4900, refunded: 4900)));
        var reversals = (await factory.LedgerAsync(advocate.Current!.Id)).Where(e => e.Kind == LedgerKind.Reversal).ToList();
        Assert.Equal(entry.Id, Assert.Single(reversals).ReversesEntryId);
        Assert.Equal(-490, reversals[0].Amount);
    }

    private async Task<JsonElement> StripeOkAsync(HttpClient http, string json) =>
        await ApiClient.ReadAsync<JsonElement>(await factory.PostStripeAsync(http, json));

    private async Task<List<LedgerEntry>> RecurringAsync(ApiClient advocate) =>
        (await factory.LedgerAsync(advocate.Current!.Id)).Where(e => e.Reason == RuleKeys.RecurringAdvocate).ToList();
}

/// <summary>Recurring rewards through Paddle: fixed credits per renewal, up to the cap per referral, for N months.</summary>
public sealed class PaddleRecurringRewardTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Fixed_credits_per_renewal_stop_at_the_referral_cap_and_after_the_months()
    {
        await factory.SetProgramAsync(p =>
            (p["recurringMode"], p["recurringCredits"], p["recurringMonths"], p["recurringCap"]) = ("fixed", 300, 3, 500));
        var advocate = await factory.MemberAsync("Paddle Renewal Advocate");
        using var friendClient = factory.CreateApiClient();
        var friend = await friendClient.JoinWithCodeAsync("Paddle Renewal Friend", await advocate.CodeAsync());
        var externalId = "product-" + Guid.NewGuid().ToString("N")[..12];
        await factory.DbAsync(async db =>
        {
            (await db.Users.FirstAsync(u => u.Id == friend.Id)).ExternalId = externalId;
            return await db.SaveChangesAsync();
        });
        var customData = new Dictionary<string, string> { ["community_external_id"] = externalId };
        var http = factory.CreateClient();
        var customer = Id("ctm");
        async Task<string> PayAsync()
        {
            var id = Id("txn");
            await ApiClient.ReadAsync<JsonElement>(await factory.PostPaddleAsync(http,
                PaddleEvent("transaction.completed", Transaction(id, customer, 4900, customData, origin: "subscription_recurring"))));
            return id;
        }

        await PayAsync(); // the conversion
        var first = await PayAsync();
        await PayAsync();
        await PayAsync();
        Assert.Equal([300, 200], await RecurringAsync(advocate)); // 500 per referral: the second renewal is capped, the third over it
        var overCap = await factory.DbAsync(db => db.Set<RewardGrant>().AsNoTracking()
            .CountAsync(g => g.RuleKey == RuleKeys.RecurringAdvocate && g.BeneficiaryId == advocate.Current!.Id && g.Outcome == "over_cap"));
        Assert.Equal(1, overCap);

        // A refund of a renewal gives its share of the cap back.
        await ApiClient.ReadAsync<JsonElement>(await factory.PostPaddleAsync(http,
            PaddleEvent("adjustment.created", Adjustment(first, customer, "refund", "approved", 4900))));
        await PayAsync();
        Assert.Equal([300, 200, 300], await RecurringAsync(advocate));

        // Past three months from the first payment, renewals are recorded but earn nothing.
        factory.Clock.Advance(TimeSpan.FromDays(95));
        await PayAsync();
        Assert.Equal([300, 200, 300], await RecurringAsync(advocate));
    }

    private async Task<List<long>> RecurringAsync(ApiClient advocate) =>
        (await factory.LedgerAsync(advocate.Current!.Id)).Where(e => e.Reason == RuleKeys.RecurringAdvocate).Select(e => e.Amount).ToList();

    [Fact]
    public async Task The_recurring_reward_setting_is_validated_with_field_errors()
    {
        using var marketer = await factory.MemberAsync("Recurring Marketer", "Marketing");
        var current = await ApiClient.ReadAsync<Dictionary<string, object?>>(await marketer.GetAsync("/api/admin/referrals/program"));
        Assert.True(current.ContainsKey("recurringMode"));
        current["recurringMode"] = "weekly";
        current["recurringMonths"] = 0;
        current["recurringCap"] = -1;
        var problem = await ApiClient.ProblemAsync(await marketer.PutAsync("/api/admin/referrals/program", current), HttpStatusCode.BadRequest);
        Assert.Equal(["recurringCap", "recurringMode", "recurringMonths"], problem.Errors!.Keys.Order(StringComparer.Ordinal));

        current["recurringMode"] = "percent";
        current["recurringPercent"] = 0;
        current["recurringMonths"] = 6;
        current["recurringCap"] = 0;
        problem = await ApiClient.ProblemAsync(await marketer.PutAsync("/api/admin/referrals/program", current), HttpStatusCode.BadRequest);
        Assert.Equal(["recurringPercent"], problem.Errors!.Keys);

        current["recurringPercent"] = 15;
        var saved = await ApiClient.ReadAsync<JsonElement>(await marketer.PutAsync("/api/admin/referrals/program", current));
        Assert.Equal("percent", saved.GetProperty("recurringMode").GetString());
        Assert.Equal(15, saved.GetProperty("recurringPercent").GetInt32());
        Assert.Equal(6, saved.GetProperty("recurringMonths").GetInt32());
    }
}
