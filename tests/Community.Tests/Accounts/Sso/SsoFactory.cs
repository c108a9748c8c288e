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

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // avatars.example is answered in memory; every other host goes through the real guarded handler.
        builder.ConfigureServices(services => services.AddHttpClient(Community.Web.Features.Accounts.Product.AvatarImports.ClientName)
            .AddHttpMessageHandler(() => new AvatarHost()));
    }

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
    public static (string Nonce, Uri ReturnUrl) Read(Uri redirect, string secret = SsoFactory.Secret)
    {
        var query = QueryHelpers.ParseQuery(redirect.Query);
        var sso = query["sso"].ToString();
        Assert.Equal(Sign(sso, secret), query["sig"].ToString());
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

public static class SyncApi
{
    /// <summary>A raw client with an API key holding <paramref name="scopes"/> (as a product's server would call).</summary>
    public static async Task<HttpClient> ClientAsync(CommunityFactory factory, params string[] scopes)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var keys = scope.ServiceProvider.GetRequiredService<Community.Web.Features.Referrals.ApiKeys>();
        var key = await keys.CreateAsync(scope.ServiceProvider.GetRequiredService<CommunityDb>(), "product sync", scopes, CancellationToken.None);
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Secret);
        return client;
    }
}

/// <summary>A public avatar host as a provider would link to: a good image, a huge one (with and without a length), text, a slow one.</summary>
internal sealed class AvatarHost : DelegatingHandler
{
    public const string Host = "avatars.example";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.RequestUri!.Host != Host) return await base.SendAsync(request, ct);
        switch (request.RequestUri.AbsolutePath)
        {
            case "/ok.png":
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Publishing.StoryImages.Png(300, 300)) };
            case "/huge.png":
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[6 * 1024 * 1024]) };
            case "/huge-unannounced.png":
                var content = new StreamContent(new UnsizedStream(6 * 1024 * 1024));
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            case "/text.png":
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>not an image</html>") };
            case "/slow.png":
                await Task.Delay(Timeout.Infinite, ct);
                break;
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    /// <summary>A body whose length is not announced up front.</summary>
    private sealed class UnsizedStream(int length) : Stream
    {
        private int _left = length;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, _left);
            _left -= n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
