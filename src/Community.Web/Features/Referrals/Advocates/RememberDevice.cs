using System.Security.Claims;

namespace Community.Web.Features.Referrals;

/// <summary>POST /api/referrals/me/device: remembers this browser's device cookie and today's address hash for the
/// same-device and shared-IP signals. The dashboard asks for it only when it does not know the browser yet.</summary>
internal static class RememberDevice
{
    public static void Map(RouteGroupBuilder me) => me.MapPost("/me/device", Handle);

    private static async Task<NoContent> Handle(ClaimsPrincipal user, HttpContext http, FraudSignals fraud, IpHasher ips, CancellationToken ct)
    {
        var ipHash = await ips.HashAsync(http.Connection.RemoteIpAddress, ct);
        await fraud.RememberAdvocateAsync(Advocates.MemberId(user), ReferralCookies.EnsureDevice(http), ipHash, ct);
        return TypedResults.NoContent();
    }
}
