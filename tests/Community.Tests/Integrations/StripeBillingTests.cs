using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Integrations.Billing;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using static Community.Tests.Integrations.BillingKit;

namespace Community.Tests.Integrations;

public sealed class StripeBillingTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private async Task<(ApiClient Advocate, Me Friend)> ReferredFriendAsync(string name)
    {
        var advocate = await factory.MemberAsync(name + " Advocate");
        var code = await advocate.CodeAsync();
        using var friendClient = factory.CreateApiClient();
        return (advocate, await friendClient.JoinWithCodeAsync(name + " Friend", code));
    }

    private async Task<JsonElement> StripeOkAsync(HttpClient http, string json) =>
        await ApiClient.ReadAsync<JsonElement>(await factory.PostStripeAsync(http, json));

    private Task<List<LedgerEntry>> ConversionsOfAsync(ApiClient advocate) =>
        factory.DbAsync(db => db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.MemberId == advocate.Current!.Id && e.Reason == RuleKeys.ConversionAdvocate).ToListAsync());

    [Fact]
    public async Task First_paid_invoice_converts_and_later_invoices_are_recorded_without_a_second_conversion()
    {
        var (advocate, friend) = await ReferredFriendAsync("Invoice");
        var http = factory.CreateClient();
        var customer = Id("cus");
        var first = await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), customer, friend.Email, 4900)));
        Assert.Equal("applied", first.GetProperty("outcome").GetString());
        Assert.StartsWith($"matched {friend.Email[..friend.Email.IndexOf('@', StringComparison.Ordinal)]}@…, conversion of 49.00 USD",
            first.GetProperty("reason").GetString());
        Assert.Equal(2000, Assert.Single(await ConversionsOfAsync(advocate)).Amount);

        var renewal = await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), customer, friend.Email, 4900, billingReason: "subscription_cycle")));
        Assert.Contains("the program rewards the first payment only", renewal.GetProperty("reason").GetString());
        Assert.Single(await ConversionsOfAsync(advocate));
        var payments = await factory.DbAsync(db => db.Set<ReferralConversion>().CountAsync(c => c.Kind == EventTypes.Conversion
            && db.Set<Referral>().Any(r => r.Id == c.ReferralId && r.ReferredMemberId == friend.Id)));
        Assert.Equal(2, payments);

        // A $0 trial invoice is no conversion.
        var trial = await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), Id("cus"), "trial@example.com", 0)));
        Assert.Equal("ignored", trial.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_wrong_signature_is_400_and_nothing_is_recorded()
    {
        var (advocate, friend) = await ReferredFriendAsync("Forged");
        var http = factory.CreateClient();
        var json = StripeEvent("invoice.paid", Invoice(Id("in"), Id("cus"), friend.Email, 4900));
        var before = (await factory.BillingEventsAsync()).Count;
        using var admin = await factory.MemberAsync("Billing Admin", "Admin");
        var failuresBefore = (await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/admin/integrations/billing-events")))
            .GetProperty("invalidSignatures").GetProperty("stripe").GetInt64();

        var now = factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        var attempts = new[]
        {
            await factory.PostStripeAsync(http, json, secret: "whsec_not_the_secret"),
            await factory.PostStripeAsync(http, json, t: now - 301), // older than the 5-minute tolerance
            await TamperedAsync(http, json, json.Replace("4900", "490000", StringComparison.Ordinal)),
            await http.PostAsync("/api/integrations/stripe", new StringContent(json, System.Text.Encoding.UTF8, "application/json")),
        };
        foreach (var response in attempts)
        {
            var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Contains("Stripe-Signature", problem.Detail);
        }
        Assert.Equal(before, (await factory.BillingEventsAsync()).Count);
        Assert.Empty(await ConversionsOfAsync(advocate));
        var list = await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/admin/integrations/billing-events"));
        Assert.Equal(failuresBefore + 4, list.GetProperty("invalidSignatures").GetProperty("stripe").GetInt64());

        // The genuine event still goes through afterwards.
        Assert.Equal("applied", (await StripeOkAsync(http, json)).GetProperty("outcome").GetString());
    }

    private async Task<HttpResponseMessage> TamperedAsync(HttpClient http, string signed, string sent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/stripe") { Content = new StringContent(sent) };
        request.Headers.TryAddWithoutValidation("Stripe-Signature",
            StripeSignature(BillingFactory.StripeSecret, factory.Clock.GetUtcNow().ToUnixTimeSeconds(), signed));
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task The_same_event_delivered_50_times_at_once_credits_once()
    {
        var (advocate, friend) = await ReferredFriendAsync("Storm");
        var http = factory.CreateClient();
        var eventId = Id("evt");
        var json = StripeEvent("invoice.paid", Invoice(Id("in"), Id("cus"), friend.Email, 4900), eventId);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => factory.PostStripeAsync(http, json)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(49, bodies.Count(b => b.GetProperty("duplicate").GetBoolean()));
        Assert.All(bodies, b => Assert.Equal("applied", b.GetProperty("outcome").GetString()));
        Assert.Single(await factory.BillingEventsAsync(), e => e.EventId == eventId);
        Assert.Single(await ConversionsOfAsync(advocate));
        var grants = await factory.DbAsync(db => db.Set<RewardGrant>().CountAsync(g => g.BeneficiaryId == advocate.Current!.Id));
        Assert.Equal(2, grants); // the sign-up and the conversion
    }

    [Fact]
    public async Task Partial_refunds_reverse_pro_rata_and_a_dispute_reverses_the_rest()
    {
        var (advocate, friend) = await ReferredFriendAsync("Refund");
        var http = factory.CreateClient();
        var (customer, intent, charge) = (Id("cus"), Id("pi"), Id("ch"));
        await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), customer, friend.Email, 10000, paymentIntent: intent)));
        var conversion = Assert.Single(await ConversionsOfAsync(advocate));
        Assert.Equal(2000, conversion.Amount);

        // 30.00 of 100.00 refunded: 30% of the 2000 credits come back.
        var refund = await StripeOkAsync(http, StripeEvent("charge.refunded", Charge(charge, intent, customer, 10000, refunded: 3000)));
        Assert.Contains("refund of 30.00 USD", refund.GetProperty("reason").GetString());
        Assert.Equal([-600], await ReversalsAsync(advocate, conversion.Id));
        // A second partial refund: Stripe reports 50.00 refunded in all, so 20.00 more.
        await StripeOkAsync(http, StripeEvent("charge.refunded", Charge(charge, intent, customer, 10000, refunded: 5000)));
        Assert.Equal([-600, -400], await ReversalsAsync(advocate, conversion.Id));
        // The dispute names only the charge and payment intent; it takes back what is left.
        await StripeOkAsync(http, StripeEvent("charge.dispute.created", Dispute(charge, intent, 5000)));
        Assert.Equal(-2000, (await ReversalsAsync(advocate, conversion.Id)).Sum());
    }

    private async Task<List<long>> ReversalsAsync(ApiClient advocate, long entryId) =>
        (await factory.LedgerAsync(advocate.Current!.Id)).Where(e => e.Kind == LedgerKind.Reversal && e.ReversesEntryId == entryId)
        .Select(e => e.Amount).ToList();

    [Fact]
    public async Task Customers_are_matched_by_metadata_then_external_id_then_email_and_a_code_attributes_new_ones()
    {
        var (advocateA, friendA) = await ReferredFriendAsync("Match A");
        var (advocateB, friendB) = await ReferredFriendAsync("Match B");
        await factory.DbAsync(async db =>
        {
            var member = await db.Users.FirstAsync(u => u.Id == friendB.Id);
            member.ExternalId = "product-user-b";
            return await db.SaveChangesAsync();
        });
        var http = factory.CreateClient();

        // The metadata names B (through B's product id) although the invoice's email is A's: the metadata wins.
        var byMetadata = await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), Id("cus"), friendA.Email, 4900,
            new Dictionary<string, string> { ["community_external_id"] = "product-user-b" })));
        Assert.Equal("applied", byMetadata.GetProperty("outcome").GetString());
        Assert.Single(await ConversionsOfAsync(advocateB));
        Assert.Empty(await ConversionsOfAsync(advocateA));
        Assert.Equal("product-user-b", (await factory.ReferralOfAsync(friendB.Id))!.ExternalCustomerId);

        // Without metadata, the email finds A.
        await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), Id("cus"), friendA.Email, 4900)));
        Assert.Single(await ConversionsOfAsync(advocateA));

        // A customer nobody referred: ignored, unless the metadata carries a referral code.
        var stranger = await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), Id("cus"), "stranger@example.com", 4900)));
        Assert.Equal("no referral for this customer", stranger.GetProperty("reason").GetString());
        var advocateC = await factory.MemberAsync("Match C Advocate");
        var coded = await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), Id("cus"), "newcomer@example.com", 4900,
            new Dictionary<string, string> { ["referral_code"] = await advocateC.CodeAsync() })));
        Assert.Equal("applied", coded.GetProperty("outcome").GetString());
        // As through the events API: a first payment attributed only by a code, with no sign-up before it, is held for review.
        Assert.Contains("(held: no_prior_attribution)", coded.GetProperty("reason").GetString());
        var attributed = await factory.DbAsync(db => db.Set<Referral>().AsNoTracking().SingleAsync(r => r.CustomerEmail == "newcomer@example.com"));
        Assert.Equal(advocateC.Current!.Id, attributed.AdvocateId);
        Assert.Equal(ReferralDecision.Review, attributed.Decision);
    }

    [Fact]
    public async Task A_payment_reported_by_Stripe_and_by_the_events_API_is_credited_once()
    {
        var (advocate, friend) = await ReferredFriendAsync("Both Ways");
        var key = await ReferralKit.CreateKeyAsync(factory);
        var http = factory.CreateClient();
        var invoice = Id("in");
        await factory.EventOkAsync(http, key, new { id = invoice, type = "conversion", customer = new { email = friend.Email }, amount = 4900, currency = "USD" });
        var stripe = await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(invoice, Id("cus"), friend.Email, 4900)));
        Assert.Equal("applied", stripe.GetProperty("outcome").GetString());
        Assert.Single(await ConversionsOfAsync(advocate));
        Assert.Equal(1, await factory.DbAsync(db => db.Set<ReferralConversion>().CountAsync(c => c.EventId == invoice)));
    }

    [Fact]
    public async Task A_deleted_subscription_marks_the_referral_churned()
    {
        var (advocate, friend) = await ReferredFriendAsync("Churn");
        var http = factory.CreateClient();
        var customer = Id("cus");
        await StripeOkAsync(http, StripeEvent("invoice.paid", Invoice(Id("in"), customer, friend.Email, 4900)));
        var churn = await StripeOkAsync(http, StripeEvent("customer.subscription.deleted", Subscription(customer)));
        Assert.Equal("churned", churn.GetProperty("outcome").GetString());
        Assert.NotNull((await factory.ReferralOfAsync(friend.Id))!.ChurnedAt);
        var dashboard = await advocate.DashboardAsync();
        Assert.Equal("churned", dashboard.GetProperty("referrals")[0].GetProperty("status").GetString());

        using var admin = await factory.MemberAsync("Churn Admin", "Admin");
        var list = await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/admin/integrations/billing-events"));
        Assert.Equal("customer.subscription.deleted", list.GetProperty("events")[0].GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await advocate.GetAsync("/api/admin/integrations/billing-events")).StatusCode);
        var page = await (await admin.GetAsync("/admin/integrations")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"billing-events\"", page);
        Assert.Contains("id=\"billing-events-rows\"", page);
    }
}
