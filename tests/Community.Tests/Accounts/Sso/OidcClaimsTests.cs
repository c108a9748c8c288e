using System.Security.Claims;
using Community.Web.Features.Accounts.Sso;

namespace Community.Tests.Accounts.Sso;

/// <summary>How a provider's claims become a product profile: configured claim names, group formats, and what "verified" needs.</summary>
public sealed class OidcClaimsTests
{
    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    [Fact]
    public void Configured_claim_names_fill_the_account_plan_groups_and_custom_attributes()
    {
        var settings = new OidcSettings { Claims = { Plan = "https://acme.example/plan", Groups = "roles", Custom = { ["team"] = "acme_team" } } };
        var profile = OidcClaims.ToProfile(Principal(("sub", "u1"), ("email", "a@acme.test"), ("email_verified", "True"),
            ("preferred_username", "ann"), ("name", "Ann"), ("picture", "https://cdn.acme.example/a.png"), ("account_id", "42"),
            ("account_name", "Acme"), ("https://acme.example/plan", "Enterprise"), ("plan", "ignored"), ("roles", "a"), ("roles", "b"),
            ("acme_team", "Platform"), ("region", "EU")), settings, ["region"])!;

        Assert.Equal(("u1", "a@acme.test", true, "ann", "Ann"), (profile.ExternalId, profile.Email, profile.EmailVerified, profile.UserName, profile.Name));
        Assert.Equal(("42", "Acme", "Enterprise", "https://cdn.acme.example/a.png"), (profile.AccountId, profile.AccountName, profile.Plan, profile.AvatarUrl));
        Assert.Equal(["a", "b"], profile.Groups!);
        Assert.Equal("Platform", profile.Custom!["team"]);
        Assert.Equal("EU", profile.Custom["region"]);
    }

    [Theory]
    [InlineData("[\"x\",\"y\"]")]
    [InlineData("x, y")]
    public void Groups_sent_as_one_claim_are_split(string value)
    {
        var profile = OidcClaims.ToProfile(Principal(("sub", "u1"), ("groups", value)), new OidcSettings(), [])!;
        Assert.Equal(["x", "y"], profile.Groups!);
    }

    [Fact]
    public void An_email_is_verified_only_when_the_provider_says_so()
    {
        Assert.False(OidcClaims.ToProfile(Principal(("sub", "u1"), ("email", "a@acme.test")), new OidcSettings(), [])!.EmailVerified);
        Assert.False(OidcClaims.ToProfile(Principal(("sub", "u1"), ("email_verified", "false")), new OidcSettings(), [])!.EmailVerified);
    }

    [Fact]
    public void No_subject_means_no_profile() => Assert.Null(OidcClaims.ToProfile(Principal(("email", "a@acme.test")), new OidcSettings(), []));
}
