using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Accounts;

/// <summary>A member registers a passkey, signs out, signs in with it and removes it, with Chromium's virtual authenticator
/// (DevTools WebAuthn domain) standing in for a fingerprint reader.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PasskeyJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_member_adds_a_passkey_signs_in_with_it_and_removes_it()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        using (var api = browser.Server.CreateHttpApiClient()) await api.JoinAsync("Paula Passkey", email);
        // WebAuthn refuses IP addresses as relying-party ids, so this person uses the same server through "localhost".
        var site = browser.Server.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        var page = await browser.NewPersonAsync();
        var devtools = await page.Context.NewCDPSessionAsync(page);
        await devtools.SendAsync("WebAuthn.enable");
        await devtools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });

        await page.GotoAsync(site + "/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Paula Passkey");

        await page.GotoAsync(site + "/settings");
        await Assertions.Expect(page.GetByText("No passkeys yet.")).ToBeVisibleAsync();
        await page.GetByLabel("Name for the new passkey").FillAsync("Work laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your passkey is saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("passkey")).ToContainTextAsync("Work laptop");
        await page.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToHaveCountAsync(0);

        await page.GotoAsync(site + "/signin?returnUrl=/settings");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/settings$"));
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync("Paula Passkey");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Work laptop" }).ClickAsync();
        await Assertions.Expect(page.GetByText("No passkeys yet.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("passkey")).ToHaveCountAsync(0);
    }
}
