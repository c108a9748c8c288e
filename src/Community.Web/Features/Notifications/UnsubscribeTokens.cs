using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Community.Web.Features.Notifications;

public enum UnsubscribeCheck { Valid, Altered, Expired }

/// <summary>What an unsubscribe link stands for: one member, the topics it turns off, and until when it works.</summary>
public sealed record UnsubscribeGrant(string MemberId, IReadOnlyList<string> Topics, DateTime ExpiresAt);

/// <summary>
/// Signed unsubscribe tokens (RFC 8058 links). Data Protection signs and encrypts them with the keys every server shares, so a token
/// cannot be altered to name another member or topic; the expiry inside is checked against the injected clock.
/// </summary>
public sealed class UnsubscribeTokens(IDataProtectionProvider protection, TimeProvider clock, NotificationOptions options)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Community.Notifications.Unsubscribe.v1");

    public string Create(string memberId, IEnumerable<string> topics)
    {
        var expires = clock.GetUtcNow().AddDays(options.UnsubscribeLinkDays).ToUnixTimeSeconds();
        return _protector.Protect(string.Join('\n', memberId, string.Join(',', topics), expires.ToString(CultureInfo.InvariantCulture)));
    }

    public (UnsubscribeCheck Check, UnsubscribeGrant? Grant) Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2000) return (UnsubscribeCheck.Altered, null);
        string payload;
        try { payload = _protector.Unprotect(token); }
        catch (CryptographicException) { return (UnsubscribeCheck.Altered, null); }
        catch (FormatException) { return (UnsubscribeCheck.Altered, null); }
        var parts = payload.Split('\n');
        if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return (UnsubscribeCheck.Altered, null);
        var topics = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Where(NotificationTopics.IsKnown).ToList();
        if (topics.Count == 0) return (UnsubscribeCheck.Altered, null);
        var grant = new UnsubscribeGrant(parts[0], topics, DateTimeOffset.FromUnixTimeSeconds(expires).UtcDateTime);
        return grant.ExpiresAt < clock.GetUtcNow().UtcDateTime ? (UnsubscribeCheck.Expired, grant) : (UnsubscribeCheck.Valid, grant);
    }
}
