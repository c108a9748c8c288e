using Community.BrowserTests.Infrastructure;

namespace Community.BrowserTests.Accounts;

/// <summary>A site of its own (the shared one keeps local passwords on), with an admin and no provider configured.</summary>
public sealed class SignInSetupSite : LiveServer
{
    public const string AdminEmail = "owner@example.com";
    public const string AdminPassword = "glass-breaking-keys-2026";

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Sso:Connect:AllowPrivateAddresses"] = "true",
        ["Admin:Email"] = AdminEmail,
        ["Admin:Password"] = AdminPassword,
    };
}

/// <summary>Issue #11 in Chromium: the admin adds a Connect provider at /admin/sign-in and turns local passwords off; visitors
/// then see no Join link, a sign-up page that points at the product, and no password form (except the break-glass one).</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInSetupJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Admin_adds_a_provider_turns_local_passwords_off_and_the_Join_link_and_password_forms_go_away()
    {
        await using var site = new SignInSetupSite();
        var visitor = await browser.NewPersonAsync(baseUrl: site.BaseUrl);
        await visitor.GotoAsync("/");
        await Assertions.Expect(visitor.MainNavLink("Join")).ToBeVisibleAsync();

        var admin = await browser.NewPersonAsync(baseUrl: site.BaseUrl);
        await admin.GotoAsync("/signin");
        await admin.GetByLabel("Email").FillAsync(SignInSetupSite.AdminEmail);
        await admin.GetByLabel("Password").FillAsync(SignInSetupSite.AdminPassword);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("me")).ToBeAttachedAsync();
        await admin.GotoAsync("/admin/sign-in");

        var connect = admin.Locator("#connect-form");
        await connect.GetByLabel("Product name").FillAsync("Acme");
        await connect.GetByLabel("Product endpoint URL").FillAsync("https://127.0.0.1:9/acme/sso");
        await connect.GetByLabel("Shared secret").FillAsync("tiny");
        await connect.GetByRole(AriaRole.Button, new() { Name = "Save Connect" }).ClickAsync();
        await Assertions.Expect(connect.Locator("[data-error-for='connect.secret']")).ToContainTextAsync("10–500 characters");
        await connect.GetByLabel("Shared secret").FillAsync("a-long-shared-secret-2026");
        await connect.GetByRole(AriaRole.Button, new() { Name = "Save Connect" }).ClickAsync();
        await Assertions.Expect(connect.Locator(".form-status")).ToContainTextAsync("Saved");
        await Assertions.Expect(admin.Locator("#providers [data-provider=connect]")).ToContainTextAsync("Continue with Acme");
        await Assertions.Expect(connect.GetByLabel("Shared secret")).ToHaveValueAsync(""); // write-only: never filled back in

        var passwords = admin.Locator("#passwords-form");
        await passwords.GetByLabel("Members may sign up and sign in with a password").UncheckAsync();
        await passwords.GetByRole(AriaRole.Button, new() { Name = "Save password setting" }).ClickAsync();
        await Assertions.Expect(passwords.Locator(".form-status")).ToContainTextAsync("Saved");
        await Assertions.Expect(admin.Locator("#local-passwords")).ToContainTextAsync("Off");
        await admin.AssertAccessibleAsync();
        await admin.ScreenshotAsync("admin-sign-in-edit-1280");

        await visitor.GotoAsync("/");
        await Assertions.Expect(visitor.MainNavLink("Sign in")).ToBeVisibleAsync();
        await Assertions.Expect(visitor.MainNavLink("Join")).ToHaveCountAsync(0);
        await visitor.GotoAsync("/signup");
        await Assertions.Expect(visitor.Locator("#signup-sso-message")).ToContainTextAsync("sign in with Acme");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Sign in with Acme" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Locator("#signup-form")).ToBeHiddenAsync();
        await visitor.GotoAsync("/signin");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Continue with Acme" })).ToBeVisibleAsync();
        await Assertions.Expect(visitor.GetByLabel("Password")).ToBeHiddenAsync();
        await visitor.GotoAsync("/signin?local=1"); // break-glass for admins
        await Assertions.Expect(visitor.GetByLabel("Password")).ToBeVisibleAsync();
    }
}
