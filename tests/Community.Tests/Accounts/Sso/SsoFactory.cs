using System.Security.Cryptography;
using System.Text;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Accounts.Sso;

/// <summary>The app with Connect set up against "Acme" (secret: DiscourseConnect's published example secret), a custom
/// attribute allow-list and one group→role mapping.</summary>
public sealed class SsoFactory : CommunityFactory
{
    public const string Secret = "d836444a9e4084d5b224a60c208dce14";
    public const string ProductUrl = "https://acme.example/discourse/sso";

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Sso:Connect:Url"] = ProductUrl,
        ["Sso:Connect:Secret"] = Secret,
        ["Sso:Connect:Name"] = "Acme",
        ["Sso:CustomAttributes:0"] = "region",
        ["Sso:CustomAttributes:1"] = "seats",
        ["Sso:GroupRoles:community-moderators"] = "Moderator",
    };

    public async Task<Member?> MemberByExternalIdAsync(string externalId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CommunityDb>().Users.AsNoTracking().FirstOrDefaultAsync(m => m.ExternalId == externalId);
    }

    public async Task<Member?> MemberByEmailAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CommunityDb>().Users.AsNoTracking()
            .FirstOrDefaultAsync(m => m.NormalizedEmail == email.ToUpperInvariant());
    }

    public async Task<IList<string>> RolesOfAsync(Member member)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Member>>();
        return await users.GetRolesAsync((await users.FindByIdAsync(member.Id))!);
    }

    public async Task<int> MemberCountAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CommunityDb>().Users.CountAsync();
    }
}

/// <summary>
/// What a product does on its side of Connect, written as a product team would (the same HMAC-SHA256 over the base64 text):
/// check Community's signed request, then answer with the signed-in user's fields, the nonce echoed.
/// </summary>
public static class AcmeProduct
{
    public static string Sign(string payload, string secret = SsoFactory.Secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    /// <summary>Reads Community's redirect to the product: returns the nonce and where to send the answer.</summary>
    public static (string Nonce, Uri ReturnUrl) Read(Uri redirect)
    {
        var query = QueryHelpers.ParseQuery(redirect.Query);
        var sso = query["sso"].ToString();
        Assert.Equal(Sign(sso), query["sig"].ToString());
        var fields = QueryHelpers.ParseQuery(Encoding.UTF8.GetString(Convert.FromBase64String(sso)));
        return (fields["nonce"].ToString(), new Uri(fields["return_sso_url"].ToString()));
    }

    /// <summary>The callback path and query carrying the signed answer (base64 with a newline, as Ruby's encode64 writes it).</summary>
    public static string Answer(Uri returnUrl, IEnumerable<KeyValuePair<string, string>> user, string secret = SsoFactory.Secret)
    {
        var query = string.Join("&", user.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(query)) + "\n";
        return Callback(returnUrl, payload, Sign(payload, secret));
    }

    public static string Callback(Uri returnUrl, string payload, string sig) =>
        returnUrl.AbsolutePath + "?sso=" + Uri.EscapeDataString(payload) + "&sig=" + sig;
}
