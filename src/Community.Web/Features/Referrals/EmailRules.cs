using System.Collections.Frozen;

namespace Community.Web.Features.Referrals;

public static class EmailRules
{
    private static readonly FrozenSet<string> DotInsensitive = new[] { "gmail.com", "googlemail.com" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Lower case, no +tag, and for Gmail no dots and one domain: a.b+x@GoogleMail.com → ab@gmail.com.</summary>
    public static string Normalise(string? email)
    {
        var value = (email ?? "").Trim().ToLowerInvariant();
        var at = value.LastIndexOf('@');
        if (at <= 0) return value;
        var (local, domain) = (value[..at], value[(at + 1)..]);
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0) local = local[..plus];
        if (DotInsensitive.Contains(domain))
        {
            local = local.Replace(".", "", StringComparison.Ordinal);
            domain = "gmail.com";
        }
        return local + "@" + domain;
    }

    public static string Domain(string? email)
    {
        var value = (email ?? "").Trim().ToLowerInvariant();
        var at = value.LastIndexOf('@');
        return at < 0 ? "" : value[(at + 1)..];
    }
}

/// <summary>The shipped list of disposable email domains, re-read when the file's time stamp changes.</summary>
public sealed class DisposableDomains(ReferralOptions options, TimeProvider clock)
{
    private FrozenSet<string> _domains = FrozenSet<string>.Empty;
    private DateTime _loadedStamp = DateTime.MinValue;
    private long _checkedAt = long.MinValue;
    private readonly Lock _lock = new();

    public bool Contains(string? email)
    {
        var domain = EmailRules.Domain(email);
        if (domain.Length == 0) return false;
        var set = Current();
        // Subdomains of a disposable domain are disposable too.
        for (var d = domain; d.Length > 0; d = d.IndexOf('.', StringComparison.Ordinal) is var i and >= 0 ? d[(i + 1)..] : "")
        {
            if (set.Contains(d)) return true;
        }
        return false;
    }

    private FrozenSet<string> Current()
    {
        // Checked against the real elapsed time (not the injectable clock) at most every few seconds.
        var now = clock.GetTimestamp();
        if (_checkedAt != long.MinValue && clock.GetElapsedTime(_checkedAt, now) < TimeSpan.FromSeconds(5)) return _domains;
        lock (_lock)
        {
            _checkedAt = now;
            var path = options.DisposableDomainsFile;
            if (!File.Exists(path)) return _domains;
            var stamp = File.GetLastWriteTimeUtc(path);
            if (stamp == _loadedStamp) return _domains;
            _domains = File.ReadLines(path)
                .Select(l => l.Trim().ToLowerInvariant())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .ToFrozenSet(StringComparer.Ordinal);
            _loadedStamp = stamp;
            return _domains;
        }
    }
}
