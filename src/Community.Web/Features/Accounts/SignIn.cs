using System.Collections.Concurrent;
using System.Globalization;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Community.Web.Features.Accounts;

/// <summary>
/// POST /api/account/signin, built so the answer never tells a guesser whether an address is registered or locked
/// (OWASP ASVS 2.2.1, 3.x): unknown addresses cost the same password hash as known ones; failed attempts are throttled per
/// client address and email (so one client cannot lock anyone out); the account-wide lockout needs more failures than one
/// client may make, is only mentioned to someone who typed the right password, and mails the owner a link that lifts it.
/// </summary>
internal static class SignIn
{
    private const string Wrong = "The email or password is incorrect.";

    public static async Task<Results<Ok<MeResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(SignInRequest request, HttpContext http,
        CommunityDb db, UserManager<Member> users, SignInManager<Member> signIn, SignInAttempts attempts, AccountEmails emails, TimeProvider clock)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Email)) errors.Add("email", "Enter your email address.");
        if (string.IsNullOrEmpty(request.Password)) errors.Add("password", "Enter your password.");
        if (errors.Any) return errors.ToProblem();

        var email = request.Email!.Trim();
        var client = RateLimits.ClientKey(http) + "|" + email.ToUpperInvariant();
        if (await attempts.RetryAfterAsync(client, http.RequestAborted) is { } wait) return Throttled(http, wait);

        var member = await users.FindByEmailAsync(email);
        if (member is null)
        {
            attempts.HashForUnknown(users.PasswordHasher, request.Password!);
            await attempts.FailedAsync(client, http.RequestAborted);
            return Problems.Unauthorized(Wrong);
        }
        if (!await users.CheckPasswordAsync(member, request.Password!))
        {
            await attempts.FailedAsync(client, http.RequestAborted);
            if (!await users.IsLockedOutAsync(member))
            {
                await users.AccessFailedAsync(member);
                if (await users.IsLockedOutAsync(member))
                {
                    emails.LockedOut(member, await users.GeneratePasswordResetTokenAsync(member));
                    await db.SaveChangesAsync();
                }
            }
            return Problems.Unauthorized(Wrong);
        }

        // From here the caller knows the password: telling them about the lockout or the unconfirmed address reveals nothing.
        if (await users.IsLockedOutAsync(member)) return LockedOut(http, member, clock);
        if (member.DeactivatedAt is not null)
        {
            return TypedResults.Problem("This account was deactivated by the product it belongs to.", statusCode: 403, title: "Account deactivated",
                extensions: new Dictionary<string, object?> { ["code"] = "deactivated" });
        }
        if (!member.EmailConfirmed)
        {
            return TypedResults.Problem("Confirm your email address first: we sent you a link when you signed up.",
                statusCode: 403, title: "Email not confirmed", extensions: new Dictionary<string, object?> { ["code"] = "email_unconfirmed" });
        }
        await attempts.SucceededAsync(client, http.RequestAborted);
        await users.ResetAccessFailedCountAsync(member);
        await signIn.SignInAsync(member, request.RememberMe);
        return TypedResults.Ok(member.ToMe(await users.GetRolesAsync(member)));
    }

    private static ProblemHttpResult Throttled(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var minutes = (int)Math.Ceiling(seconds / 60.0);
        return TypedResults.Problem(
            $"Too many failed sign-ins for this address from here. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}, or reset your password.",
            statusCode: 429, title: "Too many requests",
            extensions: new Dictionary<string, object?> { ["code"] = "throttled", ["retryAfterSeconds"] = seconds });
    }

    private static ProblemHttpResult LockedOut(HttpContext http, Member member, TimeProvider clock)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(((member.LockoutEnd ?? clock.GetUtcNow()) - clock.GetUtcNow()).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var minutes = (int)Math.Ceiling(seconds / 60.0);
        var detail = seconds > 24 * 3600
            ? $"This account is suspended until {member.LockoutEnd:yyyy-MM-dd HH:mm} UTC."
            : $"Signing in is paused for {minutes} minute{(minutes == 1 ? "" : "s")} after too many wrong passwords. " +
              "We have emailed you a link to reset your password, which unlocks the account at once.";
        return TypedResults.Problem(detail, statusCode: 429, title: "Account locked",
            extensions: new Dictionary<string, object?> { ["code"] = "locked_out", ["retryAfterSeconds"] = seconds });
    }
}

/// <summary>
/// Failed sign-ins per client address and email, in a fixed window. On SQLite (one server) held in memory; on PostgreSQL counted
/// in the database (<see cref="RateCounters"/>, under a hash of the key: no address or email at rest), so N servers do not give
/// N times the attempts. The account-wide lockout in the database bounds the total either way.
/// </summary>
public sealed class SignInAttempts(IConfiguration configuration, TimeProvider clock, IOptions<PasswordHasherOptions> hashing,
    DatabaseOptions database, RateCounters shared)
{
    private readonly ConcurrentDictionary<string, Window> _failures = new(StringComparer.Ordinal);
    private readonly int _limit = configuration.GetValue("Accounts:FailedSignInsPerClient", 5);
    private readonly TimeSpan _window = TimeSpan.FromMinutes(configuration.GetValue("Accounts:FailedSignInWindowMinutes", 15));
    // A hash of a random password with the configured hasher settings (same iteration count as real accounts).
    private readonly Lazy<string> _unknownHash =
        new(() => new PasswordHasher<Member>(hashing).HashPassword(new Member(), Guid.NewGuid().ToString("N")));

    /// <summary>How long this client must wait before trying this email again, or null.</summary>
    public TimeSpan? RetryAfter(string key)
    {
        if (!_failures.TryGetValue(key, out var w)) return null;
        var left = w.Start + _window - clock.GetUtcNow();
        return left <= TimeSpan.Zero ? null : w.Count >= _limit ? left : null;
    }

    /// <summary>How long this client must wait before trying this email again, or null (shared by every server).</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string key, CancellationToken ct) =>
        database.IsPostgres ? await shared.BlockedAsync(SharedKey(key), _limit, ct) : RetryAfter(key);

    public async Task FailedAsync(string key, CancellationToken ct)
    {
        if (database.IsPostgres) await shared.HitAsync(SharedKey(key), _limit, _window, ct);
        else Failed(key);
    }

    public async Task SucceededAsync(string key, CancellationToken ct)
    {
        if (database.IsPostgres) await shared.ResetAsync(SharedKey(key), ct);
        else Succeeded(key);
    }

    private static string SharedKey(string key) =>
        "signin:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    public void Failed(string key)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count > 100_000) Prune(now);
        _failures.AddOrUpdate(key, _ => new Window(now, 1), (_, w) => w.Start + _window <= now ? new Window(now, 1) : w with { Count = w.Count + 1 });
    }

    public void Succeeded(string key) => _failures.TryRemove(key, out _);

    /// <summary>The same password-hash work a registered address costs, so the answer time does not tell them apart.</summary>
    public void HashForUnknown(IPasswordHasher<Member> hasher, string password)
    {
        _ = hasher.VerifyHashedPassword(new Member(), _unknownHash.Value, password);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, w) in _failures)
        {
            if (w.Start + _window <= now) _failures.TryRemove(key, out _);
        }
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
