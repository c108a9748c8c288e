using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Community.Web.Features.Accounts;

/// <summary>
/// Decrypting the sign-in cookie (AES + HMAC, then deserialising the claims) was most of what made a member's read cost
/// more than an anonymous one. The cookie text is authenticated ciphertext, so the same text always decrypts to the same
/// ticket: this keeps a bounded map from cookie text to its ticket and hands every request its own copy. Expiry, sliding
/// renewal and security-stamp validation still run on every request in the cookie handler, exactly as before.
/// </summary>
internal sealed class CookieTicketCache(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock) : ISecureDataFormat<AuthenticationTicket>
{
    private const int MaxEntries = 20_000;
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, DateTimeOffset Until)> _tickets = new(StringComparer.Ordinal);

    public string Protect(AuthenticationTicket data) => inner.Protect(data);
    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);
    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null) return inner.Unprotect(protectedText, purpose);
        var now = clock.GetUtcNow();
        if (_tickets.TryGetValue(protectedText, out var hit) && hit.Until > now) return hit.Ticket.Clone();
        var ticket = inner.Unprotect(protectedText);
        if (ticket is null) return null;
        if (_tickets.Count >= MaxEntries) _tickets.Clear(); // a bound, not an LRU: a miss only costs one decryption
        var until = now + Keep;
        if (ticket.Properties.ExpiresUtc is { } expires && expires < until) until = expires;
        _tickets[protectedText] = (ticket.Clone(), until);
        return ticket;
    }

    public static void Register(IServiceCollection services) =>
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>>(sp => new PostConfigureOptions<CookieAuthenticationOptions>(
            IdentityConstants.ApplicationScheme, o =>
            {
                if (o.TicketDataFormat is not CookieTicketCache)
                    o.TicketDataFormat = new CookieTicketCache(o.TicketDataFormat, sp.GetRequiredService<TimeProvider>());
            }));
}
