using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public static class RuleKeys
{
    public const string SignupAdvocate = "signup:advocate";
    public const string SignupFriend = "signup:friend";
    public const string ConversionAdvocate = "conversion:advocate";
    public const string ConversionFriend = "conversion:friend";
    public const string MilestonePrefix = "milestone:";
    public const string ReversePrefix = "reverse:";

    public static bool IsCapped(string rule) => rule is SignupAdvocate or ConversionAdvocate || rule.StartsWith(MilestonePrefix, StringComparison.Ordinal);
}

public static class GrantOutcomes
{
    public const string Granted = "granted";
    public const string Capped = "capped";
}

public sealed record Balances(long Pending, long Available, long Lifetime);

public sealed record LedgerEntryView(long Id, string Kind, long Amount, DateTime CreatedAt, DateTime AvailableAt, string State,
    string Reason, string Explanation, long? ReferralId, long? ReversesEntryId, string? Note);

public sealed record CreditNotice(LedgerEntryView Entry, Balances Balances);

/// <summary>
/// Turns referral events into grants and ledger entries. Every grant is keyed by (rule, referral, beneficiary, source event)
/// under a unique index: a repeated or concurrent event finds the original grant instead of writing a second one.
/// </summary>
public sealed class ReferralRewards(CommunityDb db, TimeProvider clock, ProgramStore programs)
{
    private readonly List<LedgerEntry> _created = [];

    /// <summary>Ledger entries written through this instance, to announce once the transaction has committed.</summary>
    public IReadOnlyList<LedgerEntry> Created => _created;

    public async Task<List<RewardGrant>> GrantSignupAsync(Referral referral, long? friendOverride, CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        // Until the new member confirms their email the sign-up earns nothing; confirming grants it (once, by the grant keys).
        if (referral.ReferredMemberId is not null && referral.ConfirmedAt is null) return grants;
        var program = await programs.GetAsync(ct);
        if (referral.AdvocateId is { } advocate && program.SignupAdvocateCredits > 0)
            grants.Add(await GrantAsync(RuleKeys.SignupAdvocate, referral, advocate, "signup", program.SignupAdvocateCredits, ct));
        var friendCredits = friendOverride ?? program.SignupFriendCredits;
        if (referral.ReferredMemberId is { } friend && friendCredits > 0)
            grants.Add(await GrantAsync(RuleKeys.SignupFriend, referral, friend, "signup", friendCredits, ct));
        return grants;
    }

    /// <summary>Rewards the first payment only; later payments of the same customer are recorded but earn nothing.</summary>
    public async Task<List<RewardGrant>> GrantConversionAsync(Referral referral, ReferralConversion conversion, CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        var first = await FirstConversion(db, referral.Id, ct);
        if (first != conversion.EventId) return grants;
        var program = await programs.GetAsync(ct);
        if (referral.AdvocateId is { } advocate)
        {
            var amount = program.ConversionAdvocateCredits + conversion.Amount * program.ConversionAdvocatePercent / 100;
            if (amount > 0) grants.Add(await GrantAsync(RuleKeys.ConversionAdvocate, referral, advocate, conversion.EventId, amount, ct));
        }
        if (referral.ReferredMemberId is { } friend && program.ConversionFriendCredits > 0)
            grants.Add(await GrantAsync(RuleKeys.ConversionFriend, referral, friend, conversion.EventId, program.ConversionFriendCredits, ct));
        if (referral.AdvocateId is { } owner && !referral.IsTest) grants.AddRange(await GrantMilestonesAsync(owner, program, ct));
        return grants;
    }

    private async Task<List<RewardGrant>> GrantMilestonesAsync(string advocateId, ReferralProgram program, CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        var milestones = ProgramStore.ParseMilestones(program.Milestones);
        if (milestones.Count == 0) return grants;
        var converted = await ConvertedCount(db, advocateId, ct);
        foreach (var (count, credits) in milestones.Where(m => m.Count <= converted && m.Credits > 0))
        {
            grants.Add(await GrantAsync(RuleKeys.MilestonePrefix + count, null, advocateId, "milestone", credits, ct));
        }
        return grants;
    }

    /// <summary>
    /// Takes back the share of each conversion reward that the refund represents (a 30% refund reverses 30%),
    /// never more than what is left of the original entry. A chargeback reverses whatever is left.
    /// </summary>
    public async Task<List<RewardGrant>> ReverseAsync(Referral referral, ReferralConversion conversion, ReferralConversion refund, CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        // Only a refund or chargeback of this very payment reverses anything, and a refund only its share.
        if (refund.Kind is not ("refund" or "chargeback") || refund.RefundsEventId != conversion.EventId) return grants;
        var originals = await db.Set<RewardGrant>().AsNoTracking().Include(g => g.LedgerEntry)
            .Where(g => g.ReferralId == referral.Id && g.SourceEventId == conversion.EventId && g.LedgerEntryId != null && !g.RuleKey.StartsWith(RuleKeys.ReversePrefix))
            .ToListAsync(ct);
        foreach (var original in originals)
        {
            var entry = original.LedgerEntry!;
            var alreadyReversed = -await db.Set<LedgerEntry>().Where(e => e.ReversesEntryId == entry.Id).SumAsync(e => e.Amount, ct);
            var remaining = entry.Amount - alreadyReversed;
            var share = refund.Kind == "chargeback" || conversion.Amount <= 0
                ? remaining
                : (long)Math.Round((decimal)entry.Amount * refund.Amount / conversion.Amount, MidpointRounding.AwayFromZero);
            var amount = Math.Min(remaining, share);
            grants.Add(await GrantAsync(RuleKeys.ReversePrefix + original.RuleKey, referral, original.BeneficiaryId, refund.EventId, -amount, ct,
                kind: LedgerKind.Reversal, reason: refund.Kind, reverses: entry));
        }
        return grants;
    }

    /// <summary>After an approval: everything the referral would have earned, each still exactly once.</summary>
    public async Task<List<RewardGrant>> ReplayAsync(Referral referral, ReferralCode code, CancellationToken ct)
    {
        var grants = await GrantSignupAsync(referral, code.RewardOverride, ct);
        var events = await db.Set<ReferralConversion>().AsNoTracking().Where(c => c.ReferralId == referral.Id).OrderBy(c => c.At).ThenBy(c => c.Id).ToListAsync(ct);
        foreach (var conversion in events.Where(e => e.Kind == "conversion"))
        {
            grants.AddRange(await GrantConversionAsync(referral, conversion, ct));
            foreach (var refund in events.Where(e => e.Kind != "conversion" && e.RefundsEventId == conversion.EventId))
                grants.AddRange(await ReverseAsync(referral, conversion, refund, ct));
        }
        return grants;
    }

    private async Task<RewardGrant> GrantAsync(string rule, Referral? referral, string beneficiary, string source, long amount, CancellationToken ct,
        LedgerKind kind = LedgerKind.Grant, string? reason = null, LedgerEntry? reverses = null)
    {
        var referralId = referral?.Id ?? 0;
        var existing = await FindAsync(rule, referralId, beneficiary, source, ct);
        if (existing is not null) return existing;

        var now = clock.GetUtcNow().UtcDateTime;
        var program = await programs.GetAsync(ct);
        var outcome = GrantOutcomes.Granted;
        if (referral?.IsTest == true) { outcome = ReasonCodes.TestReferral; amount = 0; }
        else if (amount > 0 && RuleKeys.IsCapped(rule))
        {
            var left = await CapLeftAsync(beneficiary, program, now, ct);
            if (amount > left) { amount = Math.Max(0, left); outcome = amount == 0 ? ReasonCodes.OverCap : GrantOutcomes.Capped; }
        }
        var grant = new RewardGrant
        {
            RuleKey = rule, ReferralId = referralId, BeneficiaryId = beneficiary, SourceEventId = source, Amount = amount, Outcome = outcome, CreatedAt = now,
        };
        if (amount != 0)
        {
            grant.LedgerEntry = new LedgerEntry
            {
                MemberId = beneficiary,
                Kind = kind,
                Amount = amount,
                CreatedAt = now,
                // A reversal of a credit still on hold nets the pending balance; otherwise it takes from what is available now.
                AvailableAt = reverses is null ? now.AddDays(program.HoldDays) : reverses.AvailableAt > now ? reverses.AvailableAt : now,
                ReferralId = referral?.Id,
                ReversesEntryId = reverses?.Id,
                Reason = reason ?? rule,
            };
        }
        db.Add(grant);
        // The ledger entry and its grant stand or fall together: a savepoint around them even where the caller turned them off.
        var autoSavepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = true;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Lost a race with an identical event: the winner's grant is the answer.
            db.Entry(grant).State = EntityState.Detached;
            if (grant.LedgerEntry is not null) db.Entry(grant.LedgerEntry).State = EntityState.Detached;
            return await FindAsync(rule, referralId, beneficiary, source, ct) ?? throw new InvalidOperationException("Grant vanished after a unique violation.", ex);
        }
        finally { db.Database.AutoSavepointsEnabled = autoSavepoints; }
        if (grant.LedgerEntry is not null) _created.Add(grant.LedgerEntry);
        return grant;
    }

    private Task<RewardGrant?> FindAsync(string rule, long referralId, string beneficiary, string source, CancellationToken ct) =>
        FindGrant(db, rule, referralId, beneficiary, source, ct);

    // Compiled once: these run inside the events writer for every rewarded event.
    private static readonly Func<CommunityDb, string, long, string, string, CancellationToken, Task<RewardGrant?>> FindGrant = EF.CompileAsyncQuery(
        (CommunityDb db, string rule, long referralId, string beneficiary, string source, CancellationToken ct) => db.Set<RewardGrant>().AsNoTracking()
            .FirstOrDefault(g => g.RuleKey == rule && g.ReferralId == referralId && g.BeneficiaryId == beneficiary && g.SourceEventId == source));

    private static readonly Func<CommunityDb, long, CancellationToken, Task<string?>> FirstConversion = EF.CompileAsyncQuery(
        (CommunityDb db, long referralId, CancellationToken ct) => db.Set<ReferralConversion>().Where(c => c.ReferralId == referralId && c.Kind == "conversion")
            .OrderBy(c => c.At).ThenBy(c => c.Id).Select(c => c.EventId).FirstOrDefault());

    private static readonly Func<CommunityDb, string, CancellationToken, Task<int>> ConvertedCount = EF.CompileAsyncQuery(
        (CommunityDb db, string advocateId, CancellationToken ct) =>
            db.Set<Referral>().Count(r => r.AdvocateId == advocateId && r.ConvertedAt != null && r.Decision == ReferralDecision.Allow && !r.IsTest));

    private async Task<long> CapLeftAsync(string beneficiary, ReferralProgram program, DateTime now, CancellationToken ct)
    {
        var monthStart = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var capped = db.Set<RewardGrant>().Where(g => g.BeneficiaryId == beneficiary
            && (g.RuleKey == RuleKeys.SignupAdvocate || g.RuleKey == RuleKeys.ConversionAdvocate || g.RuleKey.StartsWith(RuleKeys.MilestonePrefix)));
        var left = long.MaxValue;
        if (program.LifetimeCap > 0) left = Math.Min(left, program.LifetimeCap - await capped.SumAsync(g => g.Amount, ct));
        if (program.MonthlyCap > 0) left = Math.Min(left, program.MonthlyCap - await capped.Where(g => g.CreatedAt >= monthStart).SumAsync(g => g.Amount, ct));
        return left;
    }
}

/// <summary>Reads the ledger: balances are sums, and "available" is simply an entry whose hold has passed by the injected clock.</summary>
public sealed class Ledger(CommunityDb db, TimeProvider clock, ILiveBus live)
{
    public async Task<Balances> BalancesAsync(string memberId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var mine = db.Set<LedgerEntry>().Where(e => e.MemberId == memberId);
        var pending = await mine.Where(e => e.AvailableAt > now).SumAsync(e => e.Amount, ct);
        var available = await mine.Where(e => e.AvailableAt <= now).SumAsync(e => e.Amount, ct);
        var lifetime = await mine.Where(e => e.Kind == LedgerKind.Grant || e.Kind == LedgerKind.Reversal).SumAsync(e => e.Amount, ct);
        return new Balances(pending, available, lifetime);
    }

    public async Task<List<LedgerEntryView>> EntriesAsync(string memberId, int take, CancellationToken ct)
    {
        var entries = await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.MemberId == memberId)
            .OrderByDescending(e => e.Id).Take(take).ToListAsync(ct);
        var ids = entries.Select(e => e.Id).ToList();
        var reversed = await db.Set<LedgerEntry>().Where(e => e.ReversesEntryId != null && ids.Contains(e.ReversesEntryId.Value))
            .GroupBy(e => e.ReversesEntryId!.Value).Select(g => new { Id = g.Key, Sum = g.Sum(e => e.Amount) })
            .ToDictionaryAsync(g => g.Id, g => g.Sum, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return entries.Select(e => View(e, now, reversed.GetValueOrDefault(e.Id))).ToList();
    }

    public static LedgerEntryView View(LedgerEntry e, DateTime now, long reversedSum = 0)
    {
        var state = e.Kind switch
        {
            LedgerKind.Reversal => "reversal",
            LedgerKind.Redemption => "redeemed",
            _ when reversedSum != 0 && e.Amount + reversedSum <= 0 => "reversed",
            _ when e.AvailableAt > now => "pending",
            _ => "available",
        };
        return new LedgerEntryView(e.Id, e.Kind.ToString().ToLowerInvariant(), e.Amount, e.CreatedAt, e.AvailableAt, state, e.Reason, Explain(e), e.ReferralId, e.ReversesEntryId, e.Note);
    }

    public static string Explain(LedgerEntry e) => e.Reason switch
    {
        RuleKeys.SignupAdvocate => "Someone joined with your link",
        RuleKeys.SignupFriend => "Welcome credit for joining through a friend",
        RuleKeys.ConversionAdvocate => "Your referral became a paying customer",
        RuleKeys.ConversionFriend => "Thanks for subscribing through a friend",
        "refund" => "Part or all of a payment was refunded, so the matching credit was reversed",
        "chargeback" => "A payment was charged back, so its credit was reversed",
        "redemption" => "You redeemed credits",
        "adjustment" => "Adjustment by the community team",
        var r when r.StartsWith(RuleKeys.MilestonePrefix, StringComparison.Ordinal) => $"Milestone bonus: {r[RuleKeys.MilestonePrefix.Length..]} paying referrals",
        var r => r,
    };

    /// <summary>Announces new entries to their members; call after the transaction commits.</summary>
    public async Task AnnounceAsync(IEnumerable<LedgerEntry> entries, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var group in entries.GroupBy(e => e.MemberId))
        {
            var balances = await BalancesAsync(group.Key, ct);
            foreach (var entry in group)
            {
                await live.PublishAsync(LiveGroups.Member(group.Key), "referralCredit", new CreditNotice(View(entry, now), balances), ct);
            }
        }
    }
}
