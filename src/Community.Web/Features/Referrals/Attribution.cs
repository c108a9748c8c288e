using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>The cookies /r/{code} sets, and the device id used for the same-device signal.</summary>
public static class ReferralCookies
{
    public const string Attribution = "community.ref";
    public const string Device = "community.device";

    public static string? DeviceId(HttpContext http) =>
        http.Request.Cookies.TryGetValue(Device, out var id) && id is { Length: >= 16 and <= 64 } ? id : null;

    /// <summary>Returns the device id, issuing a long-lived random one when the browser has none.</summary>
    public static string EnsureDevice(HttpContext http)
    {
        if (DeviceId(http) is { } id) return id;
        id = Guid.NewGuid().ToString("N");
        http.Response.Cookies.Append(Device, id, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true, MaxAge = TimeSpan.FromDays(400),
            Path = "/",
        });
        return id;
    }
}

/// <summary>Where a sign-up's attribution came from.</summary>
internal sealed record ResolvedCode(CodeInfo Code, string Source, long? InviteId);

/// <summary>
/// Attributes new members to advocates: an email invite token, a typed code, or the attribution cookie — in that order.
/// Invite-only communities refuse a sign-up without a valid code; otherwise an unknown code is ignored and the sign-up proceeds.
/// </summary>
internal sealed class ReferralRegistrationHook(CommunityDb db, CodeDirectory codes, ProgramStore programs, ReferralAttribution attribution,
    TimeProvider clock)
    : IRegistrationHook
{
    private const string ItemKey = "referrals.resolved";

    public async Task ValidateAsync(RegisterRequest request, HttpContext http, FieldErrors errors, CancellationToken ct)
    {
        var program = await programs.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        ResolvedCode? resolved = null;
        var typed = request.ReferralCode?.Trim();
        if (!string.IsNullOrEmpty(typed))
        {
            var invite = await db.Set<ReferralInvite>().AsNoTracking().FirstOrDefaultAsync(i => i.Token == typed, ct);
            if (invite is not null)
            {
                var inviteCode = await db.Set<ReferralCode>().AsNoTracking().Where(c => c.Id == invite.CodeId).Select(c => c.Code).FirstAsync(ct);
                var info = await codes.FindAsync(inviteCode, ct);
                if (invite.UsedAt is not null)
                {
                    errors.Add("referralCode",
                        "This invitation has already been used. Ask your friend for their referral code, or leave this empty.");
                    return;
                }
                if (info?.Unusable(now) is null && info is not null) resolved = new ResolvedCode(info, ReferralSources.Invite, invite.Id);
            }
            else if (await codes.FindAsync(typed, ct) is { } info)
            {
                switch (info.Unusable(now))
                {
                    case "exhausted":
                        errors.Add("referralCode", "This invite code has been used up. Ask for a new one, or leave this empty.");
                        return;
                    case "expired":
                        errors.Add("referralCode", "This invite code has expired. Ask for a new one, or leave this empty.");
                        return;
                    case null:
                        resolved = new ResolvedCode(info, ReferralSources.Typed, null);
                        break;
                }
            }
        }
        if (resolved is null && http.Request.Cookies.TryGetValue(ReferralCookies.Attribution, out var cookie)
            && await codes.FindAsync(cookie, ct) is { } fromCookie && fromCookie.Unusable(now) is null)
        {
            resolved = new ResolvedCode(fromCookie, ReferralSources.Cookie, null);
        }
        if (resolved is null && program.InviteOnly)
        {
            errors.Add("referralCode", string.IsNullOrEmpty(typed)
                ? "This community is invite-only. Enter the invite or referral code you were given."
                : "We don't recognise this code. Check it with the person who invited you.");
            return;
        }
        if (resolved is not null) http.Items[ItemKey] = resolved;
    }

    public async Task OnRegisteredAsync(Member member, RegisterRequest request, HttpContext http, CancellationToken ct)
    {
        if (http.Items[ItemKey] is not ResolvedCode resolved) return;
        var rewards = await attribution.AttributeAsync(resolved.Code, resolved.Source, member.Id, member.Email, http, resolved.InviteId, ct,
            emailConfirmed: member.EmailConfirmed);
        if (rewards is not null)
        {
            var leaderboard = http.RequestServices.GetRequiredService<Leaderboard>();
            http.Response.OnCompleted(() => { leaderboard.Changed(); return Task.CompletedTask; });
        }
        // The sign-up transaction commits after the hooks; announce credits once the response is on its way.
        if (rewards?.Created.Count > 0)
        {
            var entries = rewards.Created.ToList();
            var ledger = http.RequestServices.GetRequiredService<Ledger>();
            http.Response.OnCompleted(() => ledger.AnnounceAsync(entries, CancellationToken.None));
        }
    }
}

/// <summary>
/// A referred member confirmed their email: from now on the sign-up counts in the funnel and earns its sign-up rewards.
/// Only the request that marks the referral confirmed grants, and the grant keys make a second grant impossible anyway.
/// </summary>
internal sealed class ReferralConfirmationHook(CommunityDb db, ReferralRewards rewards, Ledger ledger, Leaderboard leaderboard, TimeProvider clock)
    : IEmailConfirmedHook
{
    public async Task OnEmailConfirmedAsync(Member member, CancellationToken ct)
    {
        await using var tx = await db.BeginWriteAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var marked = await db.Set<Referral>().Where(r => r.ReferredMemberId == member.Id && r.ConfirmedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConfirmedAt, now), ct);
        if (marked == 0) return;
        var referral = await db.Set<Referral>().FirstAsync(r => r.ReferredMemberId == member.Id, ct);
        await rewards.GrantSignupAsync(referral, ct);
        await tx.CommitAsync(ct);
        leaderboard.Changed(); // the sign-up now counts
        if (rewards.Created.Count > 0) await ledger.AnnounceAsync([.. rewards.Created], ct);
    }
}

/// <summary>Creates a referral: scores it, counts the campaign use, marks the invite, and grants sign-up rewards when allowed.</summary>
public sealed class ReferralAttribution(CommunityDb db, FraudSignals fraud, ProgramStore programs, IpHasher ips, ReferralRewards rewards,
    CodeDirectory codes, TimeProvider clock, ReferralWebhooks webhooks)
{
    /// <summary>A member who has not confirmed their email yet is recorded but neither counted nor credited until they do.</summary>
    public async Task<ReferralRewards?> AttributeAsync(CodeInfo code, string source, string memberId, string? email, HttpContext http, long? inviteId,
        CancellationToken ct, bool emailConfirmed = true)
    {
        if (await db.Set<Referral>().AnyAsync(r => r.ReferredMemberId == memberId, ct)) return null;
        var program = await programs.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var device = ReferralCookies.DeviceId(http);
        var ipHash = await ips.HashAsync(http.Connection.RemoteIpAddress, ct);
        var assessment = await fraud.AssessAsync(code, memberId, email, device, ipHash, program.VelocityPerHour, noPriorAttribution: false, ct);

        if (code.UsageLimit is not null)
        {
            // The limit is enforced by the database, not by the cached count.
            var taken = await db.Set<ReferralCode>().Where(c => c.Id == code.Id && (c.UsageLimit == null || c.UsedCount < c.UsageLimit))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedCount, c => c.UsedCount + 1), ct);
            codes.Invalidate(code.Code);
            if (taken == 0) return null;
        }
        else
        {
            await db.Set<ReferralCode>().Where(c => c.Id == code.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedCount, c => c.UsedCount + 1), ct);
        }
        if (inviteId is { } id)
            await db.Set<ReferralInvite>().Where(i => i.Id == id && i.UsedAt == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.UsedAt, now), ct);

        var referral = new Referral
        {
            CodeId = code.Id,
            AdvocateId = code.OwnerId,
            ReferredMemberId = memberId,
            CustomerEmail = email is null ? null : EmailRules.Normalise(email),
            Source = source,
            Decision = assessment.Decision,
            FraudScore = assessment.Score,
            Reasons = string.Join(',', assessment.Reasons),
            DeviceId = device,
            IpHash = ipHash,
            CreatedAt = now,
            ConfirmedAt = emailConfirmed ? now : null,
        };
        db.Add(referral);
        await db.SaveChangesAsync(ct);
        await webhooks.SignedUpAsync(db, referral, ct);
        await rewards.GrantSignupAsync(referral, ct);
        await db.SaveChangesAsync(ct); // the event, when no grant saved it
        return rewards;
    }
}
