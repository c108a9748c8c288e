using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Pages;
using QRCoder;

namespace Community.Web.Features.Referrals;

/// <summary>GET /api/referrals/me/qr.svg and qr.png: the advocate's link as a QR code, for slides and print.</summary>
internal static class ShowQrCode
{
    public static void Map(RouteGroupBuilder me)
    {
        me.MapGet("/me/qr.svg", Svg);
        me.MapGet("/me/qr.png", Png);
    }

    private static async Task<IResult> Svg(ClaimsPrincipal user, HttpContext http, CommunityDb db, PublicUrls urls, TimeProvider clock,
        CancellationToken ct)
    {
        using var data = await QrAsync(user, http, db, urls, clock, ct);
        return Results.Text(new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true), "image/svg+xml");
    }

    private static async Task<IResult> Png(ClaimsPrincipal user, HttpContext http, CommunityDb db, PublicUrls urls, TimeProvider clock,
        CancellationToken ct)
    {
        using var data = await QrAsync(user, http, db, urls, clock, ct);
        return Results.File(new PngByteQRCode(data).GetGraphic(10), "image/png", "referral-qr.png");
    }

    private static async Task<QRCodeData> QrAsync(ClaimsPrincipal user, HttpContext http, CommunityDb db, PublicUrls urls, TimeProvider clock,
        CancellationToken ct)
    {
        var code = await Advocates.PersonalCodeAsync(db, Advocates.MemberId(user), clock, ct);
        http.Response.Headers.CacheControl = "private, max-age=300";
        return QRCodeGenerator.GenerateQrCode(Advocates.Link(urls.Base, code.Code), QRCodeGenerator.ECCLevel.M);
    }
}
