using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Referrals;

namespace Community.BrowserTests.Referrals;

[Collection(BrowserCollection.Name)]
public sealed class ReferralJourneyTests(BrowserFixture browser)
{
    private LiveServer Server => browser.Server;

    [Fact]
    public async Task An_advocate_shares_a_link_a_friend_signs_up_and_pays_and_the_credit_appears_live_matures_and_is_reversed()
    {
        using var admin = Server.CreateHttpApiClient();
        var adminMe = await admin.JoinAsync("Rita Ops");
        await Server.GrantRolesAsync(adminMe.Id, "Admin");
        await admin.SignInAsync(adminMe.Email);
        var program = await ApiClient.ReadAsync<Dictionary<string, object?>>(await admin.GetAsync("/api/admin/referrals/program"));
        program["holdDays"] = 2;
        await ApiClient.ReadAsync<JsonElement>(await admin.PutAsync("/api/admin/referrals/program", program));
        var key = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/admin/referrals/keys", new { name = "Billing" }), HttpStatusCode.Created);

        // The advocate signs in and copies their link.
        using var advocateApi = Server.CreateHttpApiClient();
        var advocate = await advocateApi.JoinAsync("Ada Advocate");
        var page = await browser.NewPersonAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(advocate.Email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Ada Advocate");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Refer & earn" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("referral-link")).ToHaveValueAsync(new Regex("/r/[a-z0-9]+$"));
        await Assertions.Expect(page.Locator("#refer[data-live=connected]")).ToHaveCountAsync(1); // live updates flow from here on
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Link copied.")).ToBeVisibleAsync();
        var link = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        Assert.Equal(await page.GetByTestId("referral-link").InputValueAsync(), link);
        Assert.StartsWith(Server.BaseUrl + "/r/", link, StringComparison.Ordinal);
        await page.AssertAccessibleAsync();

        // A second person opens it and signs up: the code is carried to the form.
        var friendEmail = $"fred.{Guid.NewGuid():N}@example.com";
        var friend = await browser.NewPersonAsync();
        await friend.GotoAsync(link);
        await Assertions.Expect(friend).ToHaveURLAsync(new Regex("/signup\\?ref="));
        await Assertions.Expect(friend.GetByLabel("Invite or referral code")).ToHaveValueAsync(link[(link.LastIndexOf('/') + 1)..]);
        await friend.GetByLabel("Email").FillAsync(friendEmail);
        await friend.GetByLabel("Display name").FillAsync("Fred Friend");
        await friend.GetByLabel("Password").FillAsync("a long and private passphrase");
        await friend.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(friend.GetByRole(AriaRole.Heading, new() { Name = "Check your inbox" })).ToBeVisibleAsync();

        // Until the friend confirms their email the sign-up earns nothing and shows as awaiting confirmation.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText("awaiting confirmation")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("balance-pending")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("#refer[data-live=connected]")).ToHaveCountAsync(1);

        // The friend confirms through the mailed link: the sign-up credit reaches the advocate's open dashboard without a reload.
        var confirm = Mailbox.LinkIn(await new Mailbox(Server.MailFolder).WaitForAsync(friendEmail, "Confirm your email"), "/confirm-email");
        await friend.GotoAsync(confirm.ToString());
        await Assertions.Expect(friend.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Email confirmed");
        await Assertions.Expect(page.GetByTestId("credit-live")).ToContainTextAsync("Someone joined with your link");
        await Assertions.Expect(page.GetByTestId("balance-pending")).ToHaveTextAsync("500");

        // The product reports the first payment through the signed API.
        var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };
        var keyId = key.GetProperty("id").GetString()!;
        var secret = key.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await PostEventAsync(http, keyId, secret, new { id = "pay_fred_1", type = "conversion", customer = new { email = friendEmail }, amount = 10000, currency = "USD", plan = "team" }));
        await Assertions.Expect(page.GetByTestId("credit-live")).ToContainTextAsync("paying customer");
        await Assertions.Expect(page.GetByTestId("balance-pending")).ToHaveTextAsync("2,500");
        await Assertions.Expect(page.GetByTestId("ledger").Locator("tr[data-state=pending]")).ToHaveCountAsync(2);

        Server.Clock.Advance(TimeSpan.FromDays(3));
        try
        {
            // After the hold the same credits are available: nothing ran, the clock moved.
            await page.ReloadAsync();
            await Assertions.Expect(page.GetByTestId("balance-available")).ToHaveTextAsync("2,500");
            await Assertions.Expect(page.Locator("#refer[data-live=connected]")).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId("balance-pending")).ToHaveTextAsync("0");

            // A 30% refund reverses 30% of the conversion credit, live.
            Assert.Equal(HttpStatusCode.OK, await PostEventAsync(http, keyId, secret, new { id = "ref_fred_1", type = "refund", customer = new { email = friendEmail }, amount = 3000, currency = "USD", conversionId = "pay_fred_1" }));
            await Assertions.Expect(page.GetByTestId("credit-live")).ToContainTextAsync("refunded");
            await Assertions.Expect(page.GetByTestId("ledger").Locator("tr[data-state=reversal]")).ToContainTextAsync("−600");
            await Assertions.Expect(page.GetByTestId("balance-available")).ToHaveTextAsync("1,900");
            await page.ScreenshotAsync("referrals-dashboard");
            await page.AssertAccessibleAsync();
        }
        finally
        {
            Server.Clock.Advance(TimeSpan.FromDays(-3));
            program["holdDays"] = 30;
            await admin.PutAsync("/api/admin/referrals/program", program);
        }
    }

    [Fact]
    public async Task The_dashboard_works_at_360px_and_the_admin_page_is_accessible()
    {
        using var api = Server.CreateHttpApiClient();
        var me = await api.JoinAsync("Small Screen Marketer");
        await Server.GrantRolesAsync(me.Id, "Marketing", "Admin");
        var page = await browser.NewPersonAsync(360, 740);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(me.Email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Small Screen Marketer");
        await page.GotoAsync("/refer");
        await Assertions.Expect(page.GetByTestId("referral-link")).ToHaveValueAsync(new Regex("/r/"));
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth");
        Assert.False(overflow, "the referral dashboard scrolls sideways at 360 px");
        await page.AssertAccessibleAsync();

        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync("/admin/referrals");
        await Assertions.Expect(page.GetByLabel("Hold period (days)")).Not.ToHaveValueAsync("");
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync("SPRING-" + Guid.NewGuid().ToString("N")[..4]);
        await page.GetByLabel("Campaign tag").FillAsync("spring");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create code" }).ClickAsync();
        await Assertions.Expect(page.Locator("#campaigns")).ToContainTextAsync("spring");
        await page.GetByLabel("Integration name").FillAsync("Billing system");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("new-secret")).ToContainTextAsync("rs_");
        await page.ScreenshotAsync("referrals-admin");
        await page.AssertAccessibleAsync();
    }

    [Fact]
    public async Task An_unknown_link_shows_a_friendly_page_that_leads_to_sign_up()
    {
        var page = await browser.NewPersonAsync();
        var response = await page.GotoAsync("/r/no-such-code");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("We couldn't find that invite");
        await page.GetByRole(AriaRole.Link, new() { Name = "Join the community" }).First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/signup$"));
    }

    private async Task<HttpStatusCode> PostEventAsync(HttpClient http, string keyId, string secret, object body)
    {
        var json = JsonSerializer.Serialize(body, JsonSerializerOptions.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/referrals/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(ApiKeys.KeyHeader, keyId);
        request.Headers.Add(ApiKeys.SignatureHeader, ApiKeys.Sign(secret, Server.Clock.GetUtcNow().ToUnixTimeSeconds(), json));
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
