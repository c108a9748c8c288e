using System.Security.Claims;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Community.Tests.Security;

/// <summary>
/// Issue #8: a member's read pays for the sign-in cookie as little as it can. The shortcuts must read exactly what the
/// framework reads, and leave every unusual header to it.
/// </summary>
public sealed class SessionCookieReadingTests
{
    private const string Key = "community.auth";
    private const string Value = "CfDJ8EcHxBMphv9ElYTFzzqQmzkikQWQSQOSNvaX_CIi04awEV9g4Ir27A4i24S-Ttpmm26A2fEjM9WOKzKB";

    [Theory]
    [InlineData("community.auth=" + Value)]
    [InlineData("community.csrf=abc-DEF_1; community.auth=" + Value)]
    [InlineData("community.auth=" + Value + "; community.csrf=abc")]
    [InlineData("a=1;community.auth=" + Value + ";b=2")]
    public void The_sign_in_cookie_is_read_from_a_plain_header_as_the_framework_reads_it(string header)
    {
        Assert.Equal(Value, SignInCookieReader.Find(header, Key));
        Assert.Equal(Framework(header), new SignInCookieReader(new ChunkingCookieManager()).GetRequestCookie(Request(header), Key));
    }

    [Theory]
    [InlineData("community.csrf=abc")] // absent
    [InlineData("community.auth=" + Value + "; community.auth=other")] // twice: the parser decides which wins
    [InlineData("Community.Auth=" + Value)] // another spelling
    [InlineData("xcommunity.auth=" + Value)] // another cookie's name
    [InlineData("a=community.auth=" + Value)] // inside another cookie's value
    [InlineData("community.auth=chunks-2; community.authC1=abc; community.authC2=def")] // chunked
    [InlineData("community.auth=" + Value + "%3D")] // escaped
    [InlineData("community.auth=\"" + Value + "\"")] // quoted
    [InlineData("community.auth=")] // empty
    public void Anything_unusual_is_left_to_the_framework(string header)
    {
        Assert.Null(SignInCookieReader.Find(header, Key));
        Assert.Equal(Framework(header), new SignInCookieReader(new ChunkingCookieManager()).GetRequestCookie(Request(header), Key));
    }

    [Fact]
    public void Each_request_gets_its_own_copy_of_a_cached_ticket_with_the_session_facts_read_once()
    {
        var inner = new CountingFormat();
        var cache = new CookieTicketCache(inner, TimeProvider.System);

        var first = cache.Unprotect("cookie-text")!;
        first.Principal.Identities.First().AddClaim(new Claim(ClaimTypes.Role, "Admin")); // a handler changing its copy
        first.Properties.IssuedUtc = DateTimeOffset.UnixEpoch;
        var second = cache.Unprotect("cookie-text")!;

        Assert.Equal(1, inner.Calls);
        Assert.NotSame(first, second);
        Assert.False(second.Principal.IsInRole("Admin"));
        Assert.NotEqual(DateTimeOffset.UnixEpoch, second.Properties.IssuedUtc);
        var facts = second.Properties.GetParameter<SessionFacts>(SessionFacts.Key);
        Assert.NotNull(facts);
        Assert.Same(first.Properties.GetParameter<SessionFacts>(SessionFacts.Key), facts);
        Assert.Equal(("m-1", "s-1", 3), (facts.MemberId, facts.SessionId, facts.Version));
        Assert.Equal(["Member"], facts.Roles);
        Assert.Null(cache.Unprotect("other-text"));
    }

    private static string? Framework(string header) => new ChunkingCookieManager().GetRequestCookie(Request(header), Key);

    private static DefaultHttpContext Request(string header)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = header;
        return context;
    }

    private sealed class CountingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        public int Calls { get; private set; }
        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();
        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();
        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Calls++;
            if (protectedText != "cookie-text") return null;
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "m-1"), new Claim(ClaimTypes.Role, "Member"),
                new Claim(SessionClaims.Id, "s-1"), new Claim(SessionClaims.Version, "3")], "Identity.Application");
            return new AuthenticationTicket(new ClaimsPrincipal(identity),
                new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow, ExpiresUtc = DateTimeOffset.UtcNow.AddDays(14) }, "Identity.Application");
        }
    }
}
