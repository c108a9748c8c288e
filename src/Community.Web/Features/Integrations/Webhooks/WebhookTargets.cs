using System.Net;
using System.Net.Sockets;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>Which URLs an endpoint may have. Checked when an admin saves one (a field error) and again, by the guarded handler, on
/// every delivery: a host name re-pointed to a private address after it was saved is still refused.</summary>
public sealed class WebhookTargets(WebhookOptions options)
{
    /// <summary>Null when the URL may be used, otherwise the reason.</summary>
    public async Task<string?> RefusalAsync(string url, CancellationToken ct)
    {
        if (SchemeRefusal(url) is { } refusal) return refusal;
        var uri = new Uri(url);
        if (options.AllowPrivateTargets) return null;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "The host name does not resolve.";
        }
        if (addresses.Length == 0) return "The host name does not resolve.";
        return addresses.Any(OutboundGuard.IsPrivate)
            ? "The URL points to a private address (loopback, link-local or a private range); private targets are not allowed."
            : null;
    }

    /// <summary>The checks that need no DNS: an absolute https URL (http only when configured), without user info.</summary>
    public string? SchemeRefusal(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            return "Enter an absolute https:// URL.";
        if (uri.Scheme == "http" && !options.AllowHttp) return "The URL must use https.";
        if (uri.UserInfo.Length > 0) return "Leave credentials out of the URL.";
        return null;
    }
}
