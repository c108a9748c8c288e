using System.Security.Claims;
using System.Text;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Community.Tests.Referrals.Embed;

/// <summary>A site with the embed turned on for one product origin.</summary>
public class EmbedFactory : CommunityFactory
{
    public const string Secret = "test-embed-secret-that-is-long-enough-for-hs256-and-hs512-keys-0123456789";
    public const string ProductOrigin = "https://app.product.test";

    protected virtual string AllowedOrigins => ProductOrigin;

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Embed:Secret"] = Secret,
        ["Embed:AllowedOrigins"] = AllowedOrigins,
    };
}

public static class EmbedKit
{
    /// <summary>The token a product's server mints: HS256 with the shared secret, sub = the product's user id.</summary>
    public static string Mint(string sub, DateTimeOffset issued, TimeSpan lifetime, string secret = EmbedFactory.Secret,
        string algorithm = SecurityAlgorithms.HmacSha256) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", sub)]),
            IssuedAt = issued.UtcDateTime,
            Expires = (issued + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), algorithm),
        });

    /// <summary>An unsigned token ("alg": "none") with a valid-looking payload.</summary>
    public static string WithoutSignature(string sub, DateTimeOffset issued)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var iat = issued.ToUnixTimeSeconds();
        return Part("""{"alg":"none","typ":"JWT"}""") + "." + Part($$"""{"sub":"{{sub}}","iat":{{iat}},"exp":{{iat + 300}}}""") + ".";
    }

    /// <summary>Gives the member a product identity, as SSO or the sync API would.</summary>
    public static async Task SetExternalIdAsync(CommunityFactory factory, string memberId, string externalId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Member>>();
        var member = await users.FindByIdAsync(memberId) ?? throw new InvalidOperationException("no such member");
        member.ExternalId = externalId;
        var result = await users.UpdateAsync(member);
        Assert.True(result.Succeeded);
    }
}
