using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>Kind words for advocates, precise words for admins.</summary>
public static class Reasons
{
    public static string ForAdmin(string code) => code switch
    {
        ReasonCodes.SelfReferral => "Self-referral: same account or same email after normalising.",
        ReasonCodes.SameDevice => "Same device cookie as the advocate.",
        ReasonCodes.DisposableEmail => "Disposable email domain.",
        ReasonCodes.Velocity => "Velocity: too many sign-ups on this code in the last hour.",
        ReasonCodes.NoPriorAttribution => "Conversion reported with no prior attribution.",
        ReasonCodes.SharedIp => "Same IP (hashed) as the advocate today — offices and homes share IPs, so this only raises the score.",
        ReasonCodes.OverCap => "Advocate reached the monthly or lifetime cap.",
        ReasonCodes.TestReferral => "Test referral: never pays.",
        ReasonCodes.Rejected => "Rejected in review.",
        ReasonCodes.NoFriendAccount => "The new customer has no community account to credit.",
        ReasonCodes.AwaitingConfirmation => "The new member has not confirmed their email: not counted or credited yet.",
        _ => code,
    };

    public static string ForAdvocate(string code) => code switch
    {
        ReasonCodes.SelfReferral => "Referring yourself doesn't earn credits — share your link with friends and colleagues instead.",
        ReasonCodes.SameDevice => "This sign-up came from a device you use, so we're taking a quick look before crediting it.",
        ReasonCodes.DisposableEmail => "This person used a temporary email address, so we're checking it before crediting.",
        ReasonCodes.Velocity => "Lots of people joined through your link at once — great! We're double-checking before crediting.",
        ReasonCodes.NoPriorAttribution => "We couldn't see this person arrive through your link, so the team is reviewing it.",
        ReasonCodes.SharedIp => "This person shares a network with you; that's fine on its own.",
        ReasonCodes.OverCap => "You've reached this period's reward limit — thank you! New credits resume when the limit resets.",
        ReasonCodes.TestReferral => "Test referral — for trying your link out; it never pays.",
        ReasonCodes.Rejected => "After review this referral didn't qualify for a reward.",
        ReasonCodes.NoFriendAccount => "Your friend hasn't joined the community yet, so only your reward applies.",
        ReasonCodes.AwaitingConfirmation => "Your friend hasn't confirmed their email yet. You'll be credited as soon as they do.",
        _ => "This referral didn't qualify for a reward.",
    };
}

public sealed record FraudAssessment(int Score, IReadOnlyList<string> Reasons, ReferralDecision Decision);

/// <summary>Scores a referral from independent signals. Only strong signals block; a shared IP alone never does.</summary>
public sealed class FraudSignals(CommunityDb db, IMemberDirectory members, DisposableDomains disposable, ReferralOptions options, TimeProvider clock)
{
    private static readonly Dictionary<string, int> Weights = new(StringComparer.Ordinal)
    {
        [ReasonCodes.SelfReferral] = 100,
        [ReasonCodes.SameDevice] = 60,
        [ReasonCodes.DisposableEmail] = 50,
        [ReasonCodes.Velocity] = 50,
        [ReasonCodes.NoPriorAttribution] = 40,
        [ReasonCodes.SharedIp] = 20,
    };

    private static readonly Func<CommunityDb, string, CancellationToken, Task<AdvocateSettings?>> SettingsOf = EF.CompileAsyncQuery(
        (CommunityDb db, string id, CancellationToken ct) => db.Set<AdvocateSettings>().AsNoTracking().FirstOrDefault(s => s.MemberId == id));

    private static readonly Func<CommunityDb, long, DateTime, int, CancellationToken, Task<int>> RecentOnCode = EF.CompileAsyncQuery(
        (CommunityDb db, long codeId, DateTime since, int limit, CancellationToken ct) =>
            db.Set<Referral>().Where(r => r.CodeId == codeId && r.CreatedAt > since && !r.IsTest).OrderBy(r => r.CreatedAt).Take(limit).Count());

    public async Task<FraudAssessment> AssessAsync(CodeInfo code, string? memberId, string? email, string? deviceId, string? ipHash,
        int velocityPerHour, bool noPriorAttribution, CancellationToken ct)
    {
        var reasons = new List<string>();
        if (code.OwnerId is { } advocateId)
        {
            // Each input is read only when a signal can use it: the events API has no member, device or IP.
            if (memberId == advocateId) reasons.Add(ReasonCodes.SelfReferral);
            else if (email is not null && await AdvocateEmailAsync(advocateId, ct) is { } advocateEmail
                && EmailRules.Normalise(email) == EmailRules.Normalise(advocateEmail))
            {
                reasons.Add(ReasonCodes.SelfReferral);
            }
            if (deviceId is not null || ipHash is not null)
            {
                var settings = await SettingsOf(db, advocateId, ct);
                if (deviceId is not null && settings is not null && settings.DeviceIds.Split(',').Contains(deviceId, StringComparer.Ordinal))
                    reasons.Add(ReasonCodes.SameDevice);
                if (ipHash is not null && settings?.LastIpHash == ipHash) reasons.Add(ReasonCodes.SharedIp);
            }
        }
        if (email is not null && disposable.Contains(email)) reasons.Add(ReasonCodes.DisposableEmail);
        var hourAgo = clock.GetUtcNow().UtcDateTime.AddHours(-1);
        // Only "at least N" matters: stop counting at N, so a busy code costs no more than a quiet one. The order is the
        // (CodeId, CreatedAt) index's own: ordering by Id made the database read and sort every recent referral of the code first.
        if (velocityPerHour > 0 && await RecentOnCode(db, code.Id, hourAgo, velocityPerHour, ct) >= velocityPerHour)
            reasons.Add(ReasonCodes.Velocity);
        if (noPriorAttribution) reasons.Add(ReasonCodes.NoPriorAttribution);
        var score = reasons.Sum(r => Weights[r]);
        var decision = score >= options.BlockScore ? ReferralDecision.Block
            : score >= options.ReviewScore ? ReferralDecision.Review
            : ReferralDecision.Allow;
        return new FraudAssessment(score, reasons, decision);
    }

    // Per scope (one request, or one batch of the events writer, where a busy code's events name the same advocate over and over).
    private readonly Dictionary<string, string?> _advocateEmails = new(StringComparer.Ordinal);

    private async ValueTask<string?> AdvocateEmailAsync(string advocateId, CancellationToken ct)
    {
        if (!_advocateEmails.TryGetValue(advocateId, out var email))
            _advocateEmails[advocateId] = email = (await members.FindAsync(advocateId, ct))?.Email;
        return email;
    }

    /// <summary>Remembers the advocate's device and today's IP hash, so a sign-up from the same device can be recognised.</summary>
    public async Task RememberAdvocateAsync(string memberId, string? deviceId, string? ipHash, CancellationToken ct)
    {
        var settings = await db.Set<AdvocateSettings>().FirstOrDefaultAsync(s => s.MemberId == memberId, ct);
        if (settings is null) db.Add(settings = new AdvocateSettings { MemberId = memberId });
        var devices = settings.DeviceIds.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        var changed = false;
        if (deviceId is not null && !devices.Contains(deviceId, StringComparer.Ordinal))
        {
            devices.Insert(0, deviceId);
            settings.DeviceIds = string.Join(',', devices.Take(10));
            changed = true;
        }
        if (ipHash is not null && settings.LastIpHash != ipHash) { settings.LastIpHash = ipHash; changed = true; }
        if (changed || db.Entry(settings).State == EntityState.Added)
        {
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex)) { db.ChangeTracker.Clear(); } // a parallel request recorded it
        }
    }
}
