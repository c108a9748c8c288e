using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.Tests.Accounts;

/// <summary>The passkey API: options come from Identity, every refusal is a ProblemDetails, writes need sign-in and CSRF.
/// (The full register → sign in → remove round trip runs in Chromium with a virtual authenticator: PasskeyJourneyTests.)</summary>
public sealed class PasskeyApiTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    private static readonly object FakeCredential = new
    {
        id = "AAAA", rawId = "AAAA", type = "public-key",
        response = new { clientDataJSON = "e30", attestationObject = "oA", authenticatorData = "AA", signature = "AA" },
    };

    [Fact]
    public async Task Creation_options_are_for_the_signed_in_member()
    {
        var member = await factory.MemberAsync("Passkey Pat");
        var response = await member.PostAsync("/api/account/passkeys/creation-options");
        var options = await ApiClient.ReadAsync<JsonElement>(response);
        Assert.Equal(member.Current!.Email, options.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("Passkey Pat", options.GetProperty("user").GetProperty("displayName").GetString());
        Assert.False(string.IsNullOrEmpty(options.GetProperty("challenge").GetString()));
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal("[]", (await (await member.GetAsync("/api/account/passkeys")).Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Visitors_cannot_manage_passkeys_and_writes_need_the_csrf_header()
    {
        using var visitor = factory.CreateApiClient();
        await ApiClient.ProblemAsync(await visitor.PostAsync("/api/account/passkeys/creation-options"), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await visitor.GetAsync("/api/account/passkeys"), HttpStatusCode.Unauthorized);
        await ApiClient.ProblemAsync(await visitor.DeleteAsync("/api/account/passkeys/AAAA"), HttpStatusCode.Unauthorized);

        var member = await factory.MemberAsync("Csrf Cleo");
        var forged = await member.Http.PostAsJsonAsync("/api/account/passkeys/creation-options", new { });
        var problem = await ApiClient.ProblemAsync(forged, HttpStatusCode.Forbidden);
        Assert.EndsWith("/csrf", problem.Type, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registering_refuses_a_missing_name_or_answer_and_a_forged_answer()
    {
        var member = await factory.MemberAsync("Refused Rae");
        var missing = await ApiClient.ProblemAsync(await member.PostAsync("/api/account/passkeys", new { name = "" }), HttpStatusCode.BadRequest);
        Assert.Contains("name", missing.Errors!.Keys);
        Assert.Contains("credential", missing.Errors!.Keys);
        var tooLong = await ApiClient.ProblemAsync(
            await member.PostAsync("/api/account/passkeys", new { name = new string('n', 51), credential = FakeCredential }),
            HttpStatusCode.BadRequest);
        Assert.Contains("name", tooLong.Errors!.Keys);

        await member.PostAsync("/api/account/passkeys/creation-options");
        await ApiClient.ProblemAsync(await member.PostAsync("/api/account/passkeys", new { name = "Laptop", credential = FakeCredential }),
            HttpStatusCode.BadRequest);
        Assert.Equal("[]", (await (await member.GetAsync("/api/account/passkeys")).Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Signing_in_with_a_forged_or_missing_answer_is_refused()
    {
        using var visitor = factory.CreateApiClient();
        var options = await ApiClient.ReadAsync<JsonElement>(await visitor.PostAsync("/api/account/passkeys/request-options"));
        Assert.False(string.IsNullOrEmpty(options.GetProperty("challenge").GetString()));

        await ApiClient.ProblemAsync(await visitor.PostAsync("/api/account/passkeys/signin", new { }), HttpStatusCode.BadRequest);
        await ApiClient.ProblemAsync(await visitor.PostAsync("/api/account/passkeys/signin", new { credential = FakeCredential }),
            HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Removing_a_passkey_that_is_not_yours_is_a_404()
    {
        var member = await factory.MemberAsync("Remover Ray");
        await ApiClient.ProblemAsync(await member.DeleteAsync("/api/account/passkeys/AAAA"), HttpStatusCode.NotFound);
        await ApiClient.ProblemAsync(await member.DeleteAsync("/api/account/passkeys/not*base64"), HttpStatusCode.NotFound);
    }
}
