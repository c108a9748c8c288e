using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Integrations.Billing;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using static Community.Tests.Integrations.BillingKit;

namespace Community.Tests.Integrations;

public sealed class PaddleBillingTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    /// <summary>A referred friend whose product id is in the transaction's custom_data, as a Paddle checkout would pass it.</summary>
    private async Task<(ApiClient Advocate, Dictionary<string, string> CustomData)> ReferredFriendAsync(string name)
    {
        var advocate = await factory.MemberAsync(name + " Advocate");
        var code = await advocate.CodeAsync();
        using var friendClient = factory.CreateApiClient();
        var friend = await friendClient.JoinWithCodeAsync(name + " Friend", code);
        var externalId = "product-" + Guid.NewGuid().ToString("N")[..12];
        await factory.DbAsync(async db =>
        {
            (await db.Users.FirstAsync(u => u.Id == friend.Id)).ExternalId = externalId;
            return await db.SaveChangesAsync();
        });
        return (advocate, new Dictionary<string, string> { ["community_external_id"] = externalId });
    }

    private async Task<JsonElement> PaddleOkAsync(HttpClient http, string json) =>
        await ApiClient.ReadAsync<JsonElement>(await factory.PostPaddleAsync(http, json));

    private Task<List<LedgerEntry>> ConversionsOfAsync(ApiClient advocate) =>
        factory.DbAsync(db => db.Set<LedgerEntry>().AsNoTracking()
            .Where(e => e.MemberId == advocate.Current!.Id && e.Reason == RuleKeys.ConversionAdvocate).ToListAsync());

    [Fact]
    public async Task A_completed_transaction_converts_and_a_wrong_signature_is_400_with_nothing_recorded()
    {
        var (advocate, customData) = await ReferredFriendAsync("Paddle");
        var http = factory.CreateClient();
        var json = PaddleEvent("transaction.completed", Transaction(Id("txn"), Id("ctm"), 4900, customData));
        var before = (await factory.BillingEventsAsync()).Count;
        var now = factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        var forged = new[]
        {
            await factory.PostPaddleAsync(http, json, secret: "pdl_ntfset_wrong"),
            await factory.PostPaddleAsync(http, json, ts: now - 301),
            await SendAsync(http, json, $"ts={now};h1=" + Convert.ToHexStringLower(PaddleSignatureBytes(json.Replace("4900", "9900", StringComparison.Ordinal), now))),
            await SendAsync(http, json, $"ts={now}"),
        };
        foreach (var response in forged)
            Assert.Contains("Paddle-Signature", (await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest)).Detail);
        Assert.Equal(before, (await factory.BillingEventsAsync()).Count);
        Assert.Empty(await ConversionsOfAsync(advocate));

        var applied = await PaddleOkAsync(http, json);
        Assert.Equal("applied", applied.GetProperty("outcome").GetString());
        Assert.Contains("conversion of 49.00 USD", applied.GetProperty("reason").GetString());
        Assert.Equal(2000, Assert.Single(await ConversionsOfAsync(advocate)).Amount);
        // While Paddle rotates a secret it sends two h1 values: either may be the one that matches.
        var rotated = PaddleEvent("transaction.completed", Transaction(Id("txn"), Id("ctm"), 4900, customData));
        var good = PaddleSignature(BillingFactory.PaddleSecret, now, rotated);
        var header = $"ts={now};h1={new string('0', 64)};{good[(good.IndexOf(';', StringComparison.Ordinal) + 1)..]}";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, rotated, header)).StatusCode);
    }

    private static byte[] PaddleSignatureBytes(string body, long ts) =>
        System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(BillingFactory.PaddleSecret),
            System.Text.Encoding.UTF8.GetBytes($"{ts}:{body}"));

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string json, string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/paddle") { Content = new StringContent(json) };
        request.Headers.TryAddWithoutValidation("Paddle-Signature", header);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task The_same_notification_delivered_50_times_at_once_credits_once()
    {
        var (advocate, customData) = await ReferredFriendAsync("Paddle Storm");
        var http = factory.CreateClient();
        var json = PaddleEvent("transaction.completed", Transaction(Id("txn"), Id("ctm"), 4900, customData));
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => factory.PostPaddleAsync(http, json)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(await ConversionsOfAsync(advocate));
        var grants = await factory.DbAsync(db => db.Set<RewardGrant>().CountAsync(g => g.BeneficiaryId == advocate.Current!.Id));
        Assert.Equal(2, grants); // the sign-up and the conversion
    }

    [Fact]
    public async Task An_approved_partial_refund_reverses_pro_rata_once_and_a_chargeback_the_rest()
    {
        var (advocate, customData) = await ReferredFriendAsync("Paddle Refund");
        var http = factory.CreateClient();
        var (transaction, customer) = (Id("txn"), Id("ctm"));
        await PaddleOkAsync(http, PaddleEvent("transaction.completed", Transaction(transaction, customer, 10000, customData)));
        var conversion = Assert.Single(await ConversionsOfAsync(advocate));

        // Refunds are created pending approval: nothing yet. Approval (adjustment.updated) reverses 25% of the credit, once.
        var adjustment = Id("adj");
        var pending = await PaddleOkAsync(http, PaddleEvent("adjustment.created", Adjustment(transaction, customer, "refund", "pending_approval", 2500, adjustment)));
        Assert.Equal("ignored", pending.GetProperty("outcome").GetString());
        await PaddleOkAsync(http, PaddleEvent("adjustment.updated", Adjustment(transaction, customer, "refund", "approved", 2500, adjustment)));
        await PaddleOkAsync(http, PaddleEvent("adjustment.updated", Adjustment(transaction, customer, "refund", "approved", 2500, adjustment)));
        Assert.Equal([-500], await ReversalsAsync(advocate, conversion.Id));

        await PaddleOkAsync(http, PaddleEvent("adjustment.created", Adjustment(transaction, customer, "chargeback", "approved", 7500)));
        Assert.Equal(-2000, (await ReversalsAsync(advocate, conversion.Id)).Sum());
    }

    private async Task<List<long>> ReversalsAsync(ApiClient advocate, long entryId) =>
        (await factory.LedgerAsync(advocate.Current!.Id)).Where(e => e.Kind == LedgerKind.Reversal && e.ReversesEntryId == entryId)
        .Select(e => e.Amount).ToList();
}
