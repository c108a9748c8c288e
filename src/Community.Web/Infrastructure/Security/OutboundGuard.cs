using System.Net;
using System.Net.Sockets;

namespace Community.Web.Infrastructure.Security;

/// <summary>
/// Outgoing calls to addresses users or admins typed (webhook endpoints, avatar URLs) must not reach this server's own network.
/// The check runs on the address actually connected to, after DNS, so a host name that resolves to 10.0.0.5 (or is re-pointed
/// there after validation) is refused too.
/// </summary>
public static class OutboundGuard
{
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast
                || address.Equals(IPAddress.IPv6None);
        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127, // carrier-grade NAT
            169 => b[1] == 254, // link-local, cloud metadata
            172 => b[1] is >= 16 and <= 31,
            192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2),
            198 => b[1] is 18 or 19,
            >= 224 => true, // multicast and reserved
            _ => false,
        };
    }

    /// <summary>A handler that connects only to public addresses (unless <paramref name="allowPrivate"/>), never follows redirects,
    /// and gives up connecting after <paramref name="connectTimeout"/>.</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate, TimeSpan connectTimeout) => new()
    {
        AllowAutoRedirect = false,
        ConnectTimeout = connectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, ct) =>
        {
            var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = allowPrivate ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
            if (allowed.Length == 0)
                throw new HttpRequestException(addresses.Length == 0 ? "The host name does not resolve."
                    : "The address is private (loopback, link-local or a private range) and private targets are not allowed.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
