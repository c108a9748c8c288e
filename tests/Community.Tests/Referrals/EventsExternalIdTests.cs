using Community.Tests.Accounts.Sso;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Security;

namespace Community.Tests.Referrals;

/// <summary>Issue #11: the events API finds a customer by the product's user id on the member (SSO or member sync) before email.</summary>
public sealed class EventsExternalIdTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Fact]
    public async Task A_referred_member_linked_to_the_product_is_matched_by_external_id_alone()
    {
        using var advocate = await factory.MemberAsync("Linked Advocate");
        var code = await advocate.CodeAsync();
        using var friendClient = factory.CreateApiClient();
        var friend = await friendClient.JoinWithCodeAsync("Linked Friend", code);
        using var sync = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite);
        Assert.Equal(HttpStatusCode.OK, (await sync.PutAsJsonAsync("/api/members/external/cus_linked",
            new { email = friend.Email, emailVerified = true })).StatusCode);
        var key = await ReferralKit.CreateKeyAsync(factory);

        var result = await factory.EventOkAsync(factory.CreateClient(), key,
            new { id = "pay_linked_1", type = "conversion", customer = new { externalId = "cus_linked" }, amount = 4900, currency = "USD" });

        var referral = (await factory.ReferralOfAsync(friend.Id))!;
        Assert.Equal(referral.Id, result.Number("referralId"));
        Assert.Equal("cus_linked", (await factory.ReferralOfAsync(friend.Id))!.ExternalCustomerId);

        // Old requests (email only) keep working.
        var byEmail = await factory.EventOkAsync(factory.CreateClient(), key,
            new { id = "pay_linked_2", type = "conversion", customer = new { email = friend.Email }, amount = 100, currency = "USD" });
        Assert.Equal(referral.Id, byEmail.Number("referralId"));
    }
}
