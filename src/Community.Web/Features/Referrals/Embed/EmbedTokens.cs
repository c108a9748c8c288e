using System.Collections.Concurrent;
using System.Text;
using Community.Web.Features.Accounts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Community.Web.Features.Referrals;

/// <summary>Why a token was refused; the page says it in words, the log says the code (never the token).</summary>
public enum EmbedRefusal { None, Missing, Invalid, Expired, TooLong, UnknownMember, Disabled }

public readonly record struct EmbedIdentity(string MemberId, EmbedRefusal Refusal);

/// <summary>
/// Turns the product's token into a member: an HS256 JWT signed with <c>Embed:Secret</c>, <c>sub</c> = the member's external id,
/// <c>iat</c> and <c>exp</c> at most ten minutes apart. A validated token is remembered until it expires, so the panel's hot
/// path costs one dictionary look-up instead of an HMAC and a database read.
/// </summary>
public sealed class EmbedTokens(EmbedOptions options, TimeProvider clock, IServiceScopeFactory scopes, SessionDirectory sessions,
    ILogger<EmbedTokens> logger)
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private const int MaxTokenLength = 4096;

    private readonly ConcurrentDictionary<string, (string MemberId, DateTime Expires)> _validated = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters = new()
    {
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.Secret ?? new string('-', EmbedOptions.MinSecretBytes))),
        // Only HS256: "none", RS256 with the secret as a public key, HS512 and the rest are refused before any signature work.
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ValidateIssuer = false,
        ValidateAudience = false,
        // Lifetime is checked below with the injected clock, so tests can move time.
        ValidateLifetime = false,
        RequireExpirationTime = true,
    };

    /// <summary>A token seen before resolves without an await (no task or state machine): the panel's hot path.</summary>
    public ValueTask<EmbedIdentity> ResolveAsync(string? token, CancellationToken ct)
    {
        if (!options.Enabled) return new(Refuse(EmbedRefusal.Disabled));
        if (string.IsNullOrWhiteSpace(token)) return new(Refuse(EmbedRefusal.Missing));
        var now = clock.GetUtcNow().UtcDateTime;
        if (!_validated.TryGetValue(token, out var known)) return new(ValidateAsync(token, now, ct));
        if (known.Expires + Skew <= now) return new(Refuse(EmbedRefusal.Expired));
        var session = sessions.GetAsync(known.MemberId, ct);
        return session.IsCompletedSuccessfully ? new(Known(known.MemberId, session.Result)) : KnownAsync(known.MemberId, session);
    }

    private async ValueTask<EmbedIdentity> KnownAsync(string memberId, ValueTask<MemberSession> session) => Known(memberId, await session);

    // A member deactivated since (on any server: the session state is dropped everywhere) loses the panel at once.
    private EmbedIdentity Known(string memberId, MemberSession session) =>
        ReferenceEquals(session, MemberSession.Gone) ? Refuse(EmbedRefusal.UnknownMember) : new EmbedIdentity(memberId, EmbedRefusal.None);

    private async Task<EmbedIdentity> ValidateAsync(string token, DateTime now, CancellationToken ct)
    {
        if (token.Length > MaxTokenLength) return Refuse(EmbedRefusal.Invalid);

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt) return Refuse(EmbedRefusal.Invalid);
        if (!jwt.TryGetPayloadValue<long>("iat", out _) || !jwt.TryGetPayloadValue<long>("exp", out _)) return Refuse(EmbedRefusal.Invalid);
        var (issued, expires) = (jwt.IssuedAt, jwt.ValidTo);
        if (expires <= issued || expires - issued > MaxLifetime) return Refuse(EmbedRefusal.TooLong);
        if (issued > now + Skew || expires + Skew <= now) return Refuse(EmbedRefusal.Expired);
        if (string.IsNullOrWhiteSpace(jwt.Subject) || jwt.Subject.Length > 200) return Refuse(EmbedRefusal.Invalid);

        string? memberId;
        await using (var scope = scopes.CreateAsyncScope())
            memberId = await scope.ServiceProvider.GetRequiredService<IMemberDirectory>().FindActiveIdByExternalIdAsync(jwt.Subject, ct);
        if (memberId is null) return Refuse(EmbedRefusal.UnknownMember);

        if (_validated.Count > 50_000) Prune(now);
        _validated[token] = (memberId, expires);
        return new EmbedIdentity(memberId, EmbedRefusal.None);
    }

    private EmbedIdentity Refuse(EmbedRefusal refusal)
    {
        EmbedLog.Refused(logger, refusal);
        return new EmbedIdentity("", refusal);
    }

    private void Prune(DateTime now)
    {
        foreach (var (token, entry) in _validated)
        {
            if (entry.Expires + Skew <= now) _validated.TryRemove(token, out _);
        }
    }
}

internal static partial class EmbedLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Embed token refused: {Refusal}")]
    public static partial void Refused(ILogger logger, EmbedRefusal refusal);
}
