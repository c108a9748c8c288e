using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using static Community.Tests.Integrations.BillingKit;

namespace Community.Tests.Integrations;

/// <summary>On PostgreSQL writers really run at once (SQLite queues them): duplicates meet only at the unique indexes.</summary>
public sealed class BillingPostgresTests
{
    private sealed class PostgresBillingFactory(string connectionString) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
            ["Billing:Stripe:WebhookSecret"] = BillingFactory.StripeSecret,
        };
    }

    [PostgresFact]
    public async Task Fifty_concurrent_Stripe_deliveries_and_the_events_API_for_one_payment_credit_once_on_postgres()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var factory = new PostgresBillingFactory(database.ConnectionString);
        var advocate = await factory.MemberAsync("Pg Advocate");
        using var friendClient = factory.CreateApiClient();
        var friend = await friendClient.JoinWithCodeAsync("Pg Friend", await advocate.CodeAsync());
        var key = await ReferralKit.CreateKeyAsync(factory);
        var http = factory.CreateClient();

        var invoice = Id("in");
        var json = StripeEvent("invoice.paid", Invoice(invoice, Id("cus"), friend.Email, 4900));
        var stripe = Enumerable.Range(0, 50).Select(_ => factory.PostStripeAsync(http, json));
        var api = Enumerable.Range(0, 5).Select(_ => factory.PostEventAsync(http, key,
            new { id = invoice, type = "conversion", customer = new { email = friend.Email }, amount = 4900, currency = "USD" }));
        var responses = await Task.WhenAll(stripe.Concat(api));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var conversions = await factory.DbAsync(db => db.Set<LedgerEntry>().CountAsync(e => e.MemberId == advocate.Current!.Id
            && e.Reason == RuleKeys.ConversionAdvocate));
        Assert.Equal(1, conversions);
        Assert.Equal(1, await factory.DbAsync(db => db.Set<ReferralConversion>().CountAsync(c => c.EventId == invoice)));
        Assert.Single(await factory.BillingEventsAsync());
        var bodies = await Task.WhenAll(responses.Take(50).Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(49, bodies.Count(b => b.GetProperty("duplicate").GetBoolean()));
    }
}
