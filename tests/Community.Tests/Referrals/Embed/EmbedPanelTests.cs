using System.Security.Cryptography;
using System.Text;
using Community.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Community.Tests.Referrals.Embed;

/// <summary>/embed/refer: the product's token is the only way in, and only the product's origin may frame it.</summary>
public sealed class EmbedPanelTests(EmbedFactory factory) : IClassFixture<EmbedFactory>
{
    private async Task<(ApiClient Member, string ExternalId)> AdvocateAsync()
    {
        var member = await factory.MemberAsync("Embedded Ada");
        var externalId = "usr_" + Guid.NewGuid().ToString("N")[..10];
        await EmbedKit.SetExternalIdAsync(factory, member.Current!.Id, externalId);
        return (member, externalId);
    }

    private async Task<(HttpResponseMessage Response, string Html)> OpenAsync(string? token, string theme = "light")
    {
        using var anonymous = factory.CreateClient();
        var url = token is null ? "/embed/refer" : $"/embed/refer?token={Uri.EscapeDataString(token)}&theme={theme}";
        var response = await anonymous.GetAsync(url);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_valid_token_shows_the_members_link_funnel_and_credits_without_a_cookie()
    {
        var (member, externalId) = await AdvocateAsync();
        var dashboard = await ApiClient.ReadAsync<System.Text.Json.JsonElement>(await member.GetAsync("/api/referrals/me"));
        var link = dashboard.GetProperty("link").GetString()!;

        var (response, html) = await OpenAsync(EmbedKit.Mint(externalId, factory.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)), "dark");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"value=\"{link}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-theme=\"dark\"", html, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"clicks\"", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"available\"", html, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Only_embed_pages_may_be_framed_and_only_by_the_product_origin()
    {
        var (_, externalId) = await AdvocateAsync();
        var (embed, _) = await OpenAsync(EmbedKit.Mint(externalId, factory.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        var csp = string.Join(' ', embed.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains($"frame-ancestors {EmbedFactory.ProductOrigin};", csp, StringComparison.Ordinal);
        Assert.False(embed.Headers.Contains("X-Frame-Options"));

        using var anonymous = factory.CreateClient();
        var home = await anonymous.GetAsync("/");
        Assert.Contains("frame-ancestors 'none'", string.Join(' ', home.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("DENY", string.Join(' ', home.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Refused_tokens_get_a_small_clear_error_page()
    {
        var (_, externalId) = await AdvocateAsync();
        var now = factory.Clock.GetUtcNow();
        var cases = new (string? Token, HttpStatusCode Status, string Words)[]
        {
            (null, HttpStatusCode.BadRequest, "token missing"),
            ("not-a-jwt", HttpStatusCode.Unauthorized, "token refused"),
            (EmbedKit.Mint(externalId, now, TimeSpan.FromMinutes(5), secret: new string('x', 64)), HttpStatusCode.Unauthorized, "token refused"),
            (EmbedKit.Mint(externalId, now, TimeSpan.FromMinutes(5), algorithm: SecurityAlgorithms.HmacSha512), HttpStatusCode.Unauthorized,
                "token refused"),
            (EmbedKit.WithoutSignature(externalId, now), HttpStatusCode.Unauthorized, "token refused"),
            (EmbedKit.Mint(externalId, now, TimeSpan.FromMinutes(11)), HttpStatusCode.Unauthorized, "at most 10 minutes"),
            (EmbedKit.Mint(externalId, now.AddMinutes(-9), TimeSpan.FromMinutes(8)), HttpStatusCode.Unauthorized, "token expired"),
            (EmbedKit.Mint(externalId, now.AddMinutes(5), TimeSpan.FromMinutes(5)), HttpStatusCode.Unauthorized, "token expired"),
            (EmbedKit.Mint("usr_nobody", now, TimeSpan.FromMinutes(5)), HttpStatusCode.NotFound, "account not found"),
        };
        foreach (var (token, status, words) in cases)
        {
            var (response, html) = await OpenAsync(token);
            Assert.True(response.StatusCode == status, $"{token}: expected {status}, got {response.StatusCode}");
            Assert.Contains(words, html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("/r/", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_token_minted_by_hand_as_docs_sso_shows_for_node_is_accepted()
    {
        var (_, externalId) = await AdvocateAsync();
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var iat = factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        var unsigned = Part("""{"alg":"HS256","typ":"JWT"}""") + "." + Part($$"""{"sub":"{{externalId}}","iat":{{iat}},"exp":{{iat + 300}}}""");
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(EmbedFactory.Secret), Encoding.UTF8.GetBytes(unsigned));
        var (response, _) = await OpenAsync(unsigned + "." + Base64UrlEncoder.Encode(signature));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_cached_token_still_stops_working_when_it_expires()
    {
        var (_, externalId) = await AdvocateAsync();
        var token = EmbedKit.Mint(externalId, factory.Clock.GetUtcNow(), TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await OpenAsync(token)).Response.StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(3));
        var (response, html) = await OpenAsync(token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("token expired", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_member_the_product_deactivates_loses_the_panel_at_once_even_with_a_cached_token()
    {
        var (_, externalId) = await AdvocateAsync();
        var token = EmbedKit.Mint(externalId, factory.Clock.GetUtcNow(), TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await OpenAsync(token)).Response.StatusCode);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var members = scope.ServiceProvider.GetRequiredService<Community.Web.Features.Accounts.Product.IExternalMembers>();
            Assert.True(await members.DeactivateAsync(externalId, CancellationToken.None));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await OpenAsync(token)).Response.StatusCode);
    }
}
