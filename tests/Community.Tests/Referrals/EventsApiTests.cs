using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;

namespace Community.Tests.Referrals;

public sealed class EventsApiTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    private async Task<(ApiClient Advocate, Me Friend, ApiKey Key)> ReferredFriendAsync(string name)
    {
        var advocate = await factory.MemberAsync(name + " Advocate");
        var code = await advocate.CodeAsync();
        using var friendClient = factory.CreateApiClient();
        var friend = await friendClient.JoinWithCodeAsync(name + " Friend", code);
        return (advocate, friend, await ReferralKit.CreateKeyAsync(factory));
    }

    [Fact]
    public async Task Fifty_concurrent_identical_events_grant_once_with_one_ledger_entry()
    {
        var (advocate, friend, key) = await ReferredFriendAsync("Concurrent");
        var body = new { id = "pay_concurrent_1", type = "conversion", customer = new { email = friend.Email }, amount = 4900, currency = "USD", plan = "pro" };
        var http = factory.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => factory.PostEventAsync(http, key, body)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        var entryIds = bodies.Select(b => b.GetProperty("grants").EnumerateArray()
            .First(g => g.GetProperty("rule").GetString() == RuleKeys.ConversionAdvocate).GetProperty("ledgerEntryId").GetInt64()).Distinct().ToList();
        Assert.Single(entryIds);

        var ledger = await factory.LedgerAsync(advocate.Current!.Id);
        Assert.Single(ledger, e => e.Reason == RuleKeys.ConversionAdvocate);
        var grants = await factory.DbAsync(db => db.Set<RewardGrant>().CountAsync(g => g.BeneficiaryId == advocate.Current!.Id && g.RuleKey == RuleKeys.ConversionAdvocate));
        Assert.Equal(1, grants);
    }

    [Fact]
    public async Task Fifty_concurrent_events_with_one_idempotency_key_all_get_the_original_answer()
    {
        var (advocate, friend, key) = await ReferredFriendAsync("Idem Concurrent");
        var body = new { id = "pay_idem_c", type = "conversion", customer = new { email = friend.Email }, amount = 1000, currency = "EUR" };
        var http = factory.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => factory.PostEventAsync(http, key, body, "idem-concurrent")));
        var texts = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(texts.Distinct(StringComparer.Ordinal));
        Assert.Single(await factory.LedgerAsync(advocate.Current!.Id), e => e.Reason == RuleKeys.ConversionAdvocate);
    }

    [Fact]
    public async Task Same_idempotency_key_and_body_replays_and_another_body_is_a_conflict()
    {
        var (_, friend, key) = await ReferredFriendAsync("Idem");
        var http = factory.CreateClient();
        var body = new { id = "pay_idem_1", type = "conversion", customer = new { email = friend.Email }, amount = 2500, currency = "USD" };
        var first = await (await factory.PostEventAsync(http, key, body, "key-1")).Content.ReadAsStringAsync();
        var again = await (await factory.PostEventAsync(http, key, body, "key-1")).Content.ReadAsStringAsync();
        Assert.Equal(first, again);
        var other = await factory.PostEventAsync(http, key, body with { amount = 9999 }, "key-1");
        await ApiClient.ProblemAsync(other, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_signature_stale_timestamp_unknown_and_revoked_keys_are_401()
    {
        var key = await ReferralKit.CreateKeyAsync(factory);
        var http = factory.CreateClient();
        var body = new { id = "e1", type = "signup", customer = new { externalId = "c1" } };
        await ApiClient.ProblemAsync(await factory.PostEventAsync(http, key, body, secretOverride: "wrong"), HttpStatusCode.Unauthorized);
        var stale = factory.Clock.GetUtcNow().AddMinutes(-6).ToUnixTimeSeconds();
        await ApiClient.ProblemAsync(await factory.PostEventAsync(http, key, body, timestamp: stale), HttpStatusCode.Unauthorized);
        var future = factory.Clock.GetUtcNow().AddMinutes(6).ToUnixTimeSeconds();
        await ApiClient.ProblemAsync(await factory.PostEventAsync(http, key, body, timestamp: future), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await factory.PostEventAsync(http, key with { Id = "rk_unknown" }, body), HttpStatusCode.Unauthorized);
        var unsigned = await http.PostAsJsonAsync("/api/referrals/events", body);
        await ApiClient.ProblemAsync(unsigned, HttpStatusCode.Unauthorized);

        var withinTolerance = factory.Clock.GetUtcNow().AddMinutes(-4).ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(http, key, body, timestamp: withinTolerance)).StatusCode);

        using var admin = await factory.MemberAsync("Revoker", "Admin");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/referrals/keys/{key.Id}")).StatusCode);
        await ApiClient.ProblemAsync(await factory.PostEventAsync(http, key, body), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Api_keys_are_admin_only_and_the_secret_is_stored_hashed()
    {
        using var marketer = await factory.MemberAsync("Keyless Marketer", "Marketing");
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.PostAsync("/api/admin/referrals/keys", new { name = "x" })).StatusCode);
        var key = await ReferralKit.CreateKeyAsync(factory);
        var row = await factory.DbAsync(db => db.Set<ReferralApiKey>().AsNoTracking().FirstAsync(k => k.Id == key.Id));
        Assert.DoesNotContain(key.Secret, row.SecretHash + row.ProtectedSecret, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_amounts_currencies_and_types_are_400_with_field_errors_and_write_nothing()
    {
        var (advocate, friend, key) = await ReferredFriendAsync("Bad Input");
        var http = factory.CreateClient();
        async Task<Problem> Bad(object body) => await ApiClient.ProblemAsync(await factory.PostEventAsync(http, key, body), HttpStatusCode.BadRequest);

        Assert.Contains("amount", (await Bad(new { id = "b1", type = "conversion", customer = new { email = friend.Email }, amount = -5, currency = "USD" })).Errors!.Keys);
        Assert.Contains("amount", (await Bad(new { id = "b2", type = "conversion", customer = new { email = friend.Email }, amount = 1_000_000_000_000_000L, currency = "USD" })).Errors!.Keys);
        Assert.Contains("currency", (await Bad(new { id = "b3", type = "conversion", customer = new { email = friend.Email }, amount = 100, currency = "XYZ" })).Errors!.Keys);
        Assert.Contains("type", (await Bad(new { id = "b4", type = "upgrade-ish", customer = new { email = friend.Email } })).Errors!.Keys);
        Assert.Contains("customer", (await Bad(new { id = "b5", type = "signup" })).Errors!.Keys);
        await ApiClient.ProblemAsync(await factory.PostEventAsync(http, key, "{not json"), HttpStatusCode.BadRequest);
        // A refund larger than the payment is refused without writing anything.
        await factory.EventOkAsync(http, key, new { id = "b6", type = "conversion", customer = new { email = friend.Email }, amount = 1000, currency = "USD" });
        var before = (await factory.LedgerAsync(advocate.Current!.Id)).Count;
        Assert.Contains("amount", (await Bad(new { id = "b7", type = "refund", customer = new { email = friend.Email }, amount = 5000, currency = "USD", conversionId = "b6" })).Errors!.Keys);
        Assert.Equal(before, (await factory.LedgerAsync(advocate.Current!.Id)).Count);
    }

    [Fact]
    public async Task Refunds_reverse_pro_rata_and_a_chargeback_reverses_the_rest()
    {
        var (advocate, friend, key) = await ReferredFriendAsync("Refund");
        var http = factory.CreateClient();
        await factory.EventOkAsync(http, key, new { id = "pay_r1", type = "conversion", customer = new { externalId = "cus_r1", email = friend.Email }, amount = 10000, currency = "USD" });
        var conversion = Assert.Single(await factory.LedgerAsync(advocate.Current!.Id), e => e.Reason == RuleKeys.ConversionAdvocate);
        Assert.Equal(2000, conversion.Amount);

        var refund = await factory.EventOkAsync(http, key, new { id = "ref_r1", type = "refund", customer = new { externalId = "cus_r1" }, amount = 3000, currency = "USD", conversionId = "pay_r1" });
        Assert.Equal("recorded", refund.GetProperty("status").GetString());
        var reversal = Assert.Single(await factory.LedgerAsync(advocate.Current!.Id), e => e.Kind == LedgerKind.Reversal);
        Assert.Equal(-600, reversal.Amount); // 30% of 2000
        Assert.Equal(conversion.Id, reversal.ReversesEntryId);
        // The credit is still on hold, so the reversal nets the pending balance.
        Assert.Equal(conversion.AvailableAt, reversal.AvailableAt);

        // The same refund again changes nothing.
        await factory.EventOkAsync(http, key, new { id = "ref_r1", type = "refund", customer = new { externalId = "cus_r1" }, amount = 3000, currency = "USD", conversionId = "pay_r1" });
        Assert.Single(await factory.LedgerAsync(advocate.Current!.Id), e => e.Kind == LedgerKind.Reversal);

        await factory.EventOkAsync(http, key, new { id = "cb_r1", type = "chargeback", customer = new { externalId = "cus_r1" }, conversionId = "pay_r1" });
        var reversals = (await factory.LedgerAsync(advocate.Current!.Id)).Where(e => e.Kind == LedgerKind.Reversal && e.ReversesEntryId == conversion.Id).ToList();
        Assert.Equal(-2000, reversals.Sum(e => e.Amount));
        var dashboard = await advocate.DashboardAsync();
        var entry = dashboard.GetProperty("entries").EnumerateArray().First(e => e.GetProperty("id").GetInt64() == conversion.Id);
        Assert.Equal("reversed", entry.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_refund_reusing_the_payments_id_is_refused_and_reverses_nothing()
    {
        var (advocate, friend, key) = await ReferredFriendAsync("Reuse");
        var http = factory.CreateClient();
        var customer = new { email = friend.Email };
        await factory.EventOkAsync(http, key, new { id = "pay-X", type = "conversion", customer, amount = 10000, currency = "USD" }, "idem-pay-X");
        Assert.Equal(2000, Assert.Single(await factory.LedgerAsync(advocate.Current!.Id), e => e.Reason == RuleKeys.ConversionAdvocate).Amount);

        var reuse = await factory.PostEventAsync(http, key, new { id = "pay-X", type = "refund", customer, amount = 1000, currency = "USD" },
            idempotencyKey: "idem-refund-new");
        var problem = await ApiClient.ProblemAsync(reuse, HttpStatusCode.Conflict);
        Assert.Contains("id", problem.Errors!.Keys);
        Assert.DoesNotContain(await factory.LedgerAsync(advocate.Current!.Id), e => e.Kind == LedgerKind.Reversal);
        // A payment may not take a refund's id either.
        var refund = new { id = "ref-Y", type = "refund", customer, amount = 1000, currency = "USD", conversionId = "pay-X" };
        await factory.EventOkAsync(http, key, refund);
        var collide = await factory.PostEventAsync(http, key, new { id = "ref-Y", type = "conversion", customer, amount = 500, currency = "USD" });
        await ApiClient.ProblemAsync(collide, HttpStatusCode.Conflict);

        // The refund with its own id reverses its share only: 10% of 2000.
        var reversal = Assert.Single(await factory.LedgerAsync(advocate.Current!.Id), e => e.Kind == LedgerKind.Reversal);
        Assert.Equal(-200, reversal.Amount);
        var recorded = await factory.DbAsync(db => db.Set<ReferralConversion>().AsNoTracking().Where(c => c.EventId == "ref-Y").ToListAsync());
        Assert.Equal("refund", Assert.Single(recorded).Kind);
    }

    [Fact]
    public async Task A_refund_after_redemption_leaves_a_negative_balance_carried_forward()
    {
        var (advocate, friend, key) = await ReferredFriendAsync("Negative");
        var http = factory.CreateClient();
        await factory.EventOkAsync(http, key, new { id = "pay_n1", type = "conversion", customer = new { email = friend.Email }, amount = 5000, currency = "USD" });
        factory.Clock.Advance(TimeSpan.FromDays(31));
        try
        {
            await advocate.SignInAgainAsync();
            var before = (await advocate.DashboardAsync()).GetProperty("balances");
            var available = before.Number("available");
            Assert.Equal(2500, available); // sign-up 500 + conversion 2000, both past the hold
            await ApiClient.ReadAsync<JsonElement>(await advocate.PostAsync("/api/referrals/me/redeem", new { }));
            await factory.EventOkAsync(http, key, new { id = "ref_n1", type = "refund", customer = new { email = friend.Email }, amount = 5000, currency = "USD" });
            var after = (await advocate.DashboardAsync()).GetProperty("balances");
            Assert.Equal(-2000, after.Number("available"));
            var mail = await advocate.Mail.WaitForAsync("billing@localhost", "redemption");
            Assert.Contains("2500", mail, StringComparison.Ordinal);
        }
        finally { factory.Clock.Advance(TimeSpan.FromDays(-31)); }
    }

    [Fact]
    public async Task Events_for_unknown_customers_are_ignored_and_say_why()
    {
        var key = await ReferralKit.CreateKeyAsync(factory);
        var result = await factory.EventOkAsync(factory.CreateClient(), key, new { id = "x1", type = "conversion", customer = new { email = "nobody@example.com" }, amount = 100, currency = "USD" });
        Assert.Equal("ignored", result.GetProperty("status").GetString());
        Assert.Equal("not_referred", result.GetProperty("reasons")[0].GetString());
    }
}
