using Community.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Community.BrowserTests.Infrastructure;

/// <summary>The real app on a real Kestrel socket at a free 127.0.0.1 port, with its own temp database and mail folder.</summary>
public class LiveServer : CommunityFactory
{
    public LiveServer()
    {
        UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseUrl = addresses.Addresses.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    /// <summary>A plain HTTP client against the live server (cookies kept), for arranging data through the API.</summary>
    public ApiClient CreateHttpApiClient() =>
        new(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(BaseUrl) }, new Mailbox(MailFolder));
}
