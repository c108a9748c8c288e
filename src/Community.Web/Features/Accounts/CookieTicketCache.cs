using System.Buffers;
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
/// Each cached ticket also carries its <see cref="SessionFacts"/> (read from its claims once), so the per-request session
/// check is a lookup, not a scan of the claims.
/// </summary>
internal sealed class CookieTicketCache(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock) : ISecureDataFormat<AuthenticationTicket>
{
    private const int MaxEntries = 20_000;
    private static readonly TimeSpan Keep = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, DateTimeOffset Until)> _tickets = new(CookieTextComparer.Instance);

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
        SessionFacts.Attach(ticket); // Clone copies the properties' parameters, so every copy carries them
        _tickets[protectedText] = (ticket.Clone(), until);
        return ticket;
    }

    public static void Register(IServiceCollection services) =>
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>>(sp => new PostConfigureOptions<CookieAuthenticationOptions>(
            IdentityConstants.ApplicationScheme, o =>
            {
                if (o.TicketDataFormat is not CookieTicketCache)
                    o.TicketDataFormat = new CookieTicketCache(o.TicketDataFormat, sp.GetRequiredService<TimeProvider>());
                if (o.CookieManager is not SignInCookieReader) o.CookieManager = new SignInCookieReader(o.CookieManager);
            }));

    /// <summary>
    /// The text ends in the HMAC tag, which is uniformly random, and only texts that decrypted are ever stored, so hashing
    /// the last 32 characters spreads the keys as well as hashing all ~1,000 (which a member paid for twice per request).
    /// </summary>
    private sealed class CookieTextComparer : IEqualityComparer<string>
    {
        public static readonly CookieTextComparer Instance = new();
        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);
        public int GetHashCode(string text) => string.GetHashCode(text.AsSpan(Math.Max(0, text.Length - 32)), StringComparison.Ordinal);
    }
}

/// <summary>
/// Reads the sign-in cookie straight from the Cookie header when it is there once, plainly (Data Protection's base64url
/// text, not chunked, not escaped): parsing the whole header into a collection, which allocates every other cookie too,
/// was a fifth of what authenticating a member cost. Anything else is left to the framework's reader, as before.
/// </summary>
internal sealed class SignInCookieReader(ICookieManager inner) : ICookieManager
{
    private static readonly SearchValues<char> Base64Url =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public string? GetRequestCookie(HttpContext context, string key)
    {
        var cookie = context.Request.Headers.Cookie;
        return cookie.Count == 1 && cookie[0] is { } header && Find(header, key) is { } value ? value : inner.GetRequestCookie(context, key);
    }

    /// <summary>The value of <paramref name="key"/> in a single Cookie header, or null when the framework's parser should decide.</summary>
    internal static string? Find(string header, string key)
    {
        // Pair by pair with ordinal searches: a case-insensitive IndexOf over the whole header is a slow scalar loop under
        // invariant globalization, and the names are what the parser compares case-insensitively anyway.
        var rest = header.AsSpan();
        ReadOnlySpan<char> found = default;
        var seen = false;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf(';');
            var pair = (end < 0 ? rest : rest[..end]).TrimStart(' ');
            rest = end < 0 ? default : rest[(end + 1)..];
            var equals = pair.IndexOf('=');
            if (equals < 0) return null; // not a name=value pair: the parser decides what that means
            var name = pair[..equals];
            if (!name.Equals(key, StringComparison.OrdinalIgnoreCase)) continue;
            if (seen || !name.SequenceEqual(key)) return null; // there twice, or another spelling
            seen = true;
            found = pair[(equals + 1)..];
        }
        if (found.IsEmpty || found.ContainsAnyExcept(Base64Url) || found.StartsWith("chunks-", StringComparison.Ordinal)) return null;
        return found.ToString();
    }

    public void AppendResponseCookie(HttpContext context, string key, string? value, CookieOptions options) =>
        inner.AppendResponseCookie(context, key, value, options);

    public void DeleteCookie(HttpContext context, string key, CookieOptions options) => inner.DeleteCookie(context, key, options);
}
