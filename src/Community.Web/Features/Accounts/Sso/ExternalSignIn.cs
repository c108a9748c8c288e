using System.Net;
using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// The last step every product sign-in shares (OIDC, Connect): match or create the member, refuse deactivated or suspended
/// ones, issue the usual sign-in cookie and go back to the local page the member came from.
/// </summary>
public static class ExternalSignIn
{
    public static async Task<IResult> CompleteAsync(HttpContext http, ProductProfile profile, ProductSource source, string? returnUrl)
    {
        var services = http.RequestServices;
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExternalSignIn).FullName!);
        var product = services.GetRequiredService<SsoSettings>().ProductName(source);
        var errors = ProductProfileRules.Check(profile);
        if (errors.Any)
        {
            log.SignInRefused(source, "invalid profile: " + ProductProfileRules.Describe(errors));
            return ErrorPage(http, 400, $"{product} sent an unusable profile",
                $"{product} sent a profile we cannot accept ({ProductProfileRules.Describe(errors)}). Nothing was changed.");
        }
        var result = await services.GetRequiredService<IExternalMembers>().UpsertAsync(profile, source, http.RequestAborted);
        if (result.Error is not null || result.MemberId is null)
            return ErrorPage(http, 409, $"Signing in with {product} did not work", result.Error ?? "The member could not be matched.");

        var users = services.GetRequiredService<UserManager<Member>>();
        var member = await users.FindByIdAsync(result.MemberId);
        if (member is null) return ErrorPage(http, 409, $"Signing in with {product} did not work", "The member could not be found.");
        if (member.DeactivatedAt is not null)
        {
            log.SignInRefused(source, "member " + member.Id + " is deactivated");
            return ErrorPage(http, 403, "This account is deactivated", $"{product} deactivated this account, so it cannot sign in here.");
        }
        if (await users.IsLockedOutAsync(member))
            return ErrorPage(http, 403, "This account is suspended", "This account cannot sign in at the moment.");
        await services.GetRequiredService<SignInManager<Member>>().SignInAsync(member, isPersistent: true, source.ToString().ToLowerInvariant());
        return Results.Redirect(LocalUrls.IsLocal(returnUrl) ? returnUrl : "/");
    }

    /// <summary>A plain page saying what went wrong, with a way back; never a stack trace or a secret.</summary>
    public static IResult ErrorPage(HttpContext http, int status, string title, string detail)
    {
        var layout = http.RequestServices.GetRequiredService<PageLayout>();
        var html = layout.Render(new Page
        {
            Title = title,
            Body = "<section class=\"card narrow\"><h1>" + WebUtility.HtmlEncode(title) + "</h1><p>" + WebUtility.HtmlEncode(detail)
                + "</p><p><a href=\"/signin\">Back to sign in</a></p></section>",
            Name = "signin",
        });
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
