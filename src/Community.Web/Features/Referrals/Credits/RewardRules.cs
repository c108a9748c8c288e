using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>
/// The program's reward rules: what a sign-up, a first payment, a milestone or a refund is worth, and to whom.
/// Only allowed referrals earn; every amount is written through <see cref="Credits"/>, so each stays exactly once.
/// </summary>
public sealed class ReferralRewards(CommunityDb db, Credits credits, ProgramStore programs, AdvocateTiers tiers, TimeProvider clock)
{
    /// <summary>Ledger entries written through this instance, to announce once the transaction has committed.</summary>
    public IReadOnlyList<LedgerEntry> Created => credits.Created;

    public async Task<List<RewardGrant>> GrantSignupAsync(Referral referral, CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        if (referral.Decision != ReferralDecision.Allow) return grants;
        // Until the new member confirms their email the sign-up earns nothing; confirming grants it (once, by the grant keys).
        if (referral.ReferredMemberId is not null && referral.ConfirmedAt is null) return grants;
        var program = await programs.GetAsync(ct);
        if (referral.AdvocateId is { } advocate && program.SignupAdvocateCredits > 0)
        {
            var grant = await GrantAsync(RuleKeys.SignupAdvocate, referral, advocate, GrantSources.Signup, program.SignupAdvocateCredits, ct);
            await WithTierBonusAsync(grants, grant, referral, advocate, ct);
        }
        if (referral.ReferredMemberId is { } friend)
        {
            // A campaign code may replace the new member's reward.
            var friendCredits = await RewardOverride(db, referral.CodeId, ct) ?? program.SignupFriendCredits;
            if (friendCredits > 0) grants.Add(await GrantAsync(RuleKeys.SignupFriend, referral, friend, GrantSources.Signup, friendCredits, ct));
        }
        return grants;
    }

    /// <summary>Rewards the first payment; later payments of the same customer earn the program's recurring reward, if any.</summary>
    public async Task<List<RewardGrant>> GrantConversionAsync(Referral referral, ReferralConversion conversion, CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        if (referral.Decision != ReferralDecision.Allow) return grants;
        var first = await FirstConversion(db, referral.Id, ct);
        if (first != conversion.EventId) return await GrantRecurringAsync(referral, conversion, ct);
        var program = await programs.GetAsync(ct);
        if (referral.AdvocateId is { } advocate)
        {
            var amount = program.ConversionAdvocateCredits + conversion.Amount * program.ConversionAdvocatePercent / 100;
            if (amount > 0)
            {
                var grant = await GrantAsync(RuleKeys.ConversionAdvocate, referral, advocate, conversion.EventId, amount, ct);
                if (IsNew(grant)) await RecordTierChangeAsync(referral, advocate, conversion.EventId, ct);
                await WithTierBonusAsync(grants, grant, referral, advocate, ct);
            }
        }
        if (referral.ReferredMemberId is { } friend && program.ConversionFriendCredits > 0)
            grants.Add(await GrantAsync(RuleKeys.ConversionFriend, referral, friend, conversion.EventId, program.ConversionFriendCredits, ct));
        if (referral.AdvocateId is { } owner && !referral.IsTest) grants.AddRange(await GrantMilestonesAsync(owner, program, ct));
        return grants;
    }

    /// <summary>
    /// A later payment (a renewal): a percentage of it or fixed credits to the advocate, once per payment (the grant is keyed by its
    /// id), only within <see cref="ReferralProgram.RecurringMonths"/> of the first payment; <see cref="Credits"/> applies the caps
    /// (the referral's <see cref="ReferralProgram.RecurringCap"/> as well as the advocate's monthly and lifetime caps), the hold, and a
    /// refund of the payment reverses its share as for the conversion reward.
    /// </summary>
    private async Task<List<RewardGrant>> GrantRecurringAsync(Referral referral, ReferralConversion payment, CancellationToken ct)
    {
        var program = await programs.GetAsync(ct);
        if (program.RecurringMode == RecurringModes.None || referral.AdvocateId is not { } advocate) return [];
        var firstAt = await FirstConversionAt(db, referral.Id, ct);
        if (payment.At > firstAt.AddMonths(program.RecurringMonths)) return [];
        var amount = program.RecurringMode == RecurringModes.Percent ? payment.Amount * program.RecurringPercent / 100 : program.RecurringCredits;
        if (amount <= 0) return [];
        var grants = new List<RewardGrant>();
        var grant = await GrantAsync(RuleKeys.RecurringAdvocate, referral, advocate, payment.EventId, amount, ct);
        await WithTierBonusAsync(grants, grant, referral, advocate, ct);
        return grants;
    }

    /// <summary>
    /// Adds <paramref name="grant"/> and, when the advocate's tier multiplies rewards, the tier's bonus as its own ledger entry: the
    /// reward's granted amount (after caps) times the multiplier less one, keyed by the reward's referral and source event, so a repeated
    /// or concurrent report finds it instead of paying it twice, and a refund of that payment reverses it pro rata with the reward.
    /// </summary>
    private async Task WithTierBonusAsync(List<RewardGrant> grants, RewardGrant grant, Referral referral, string advocate, CancellationToken ct)
    {
        grants.Add(grant);
        if (grant.Amount <= 0 || referral.IsTest) return;
        var rule = RuleKeys.TierPrefix + grant.RuleKey;
        if (!IsNew(grant))
        {
            // A repeat: the bonus, if any, was decided with the reward (the tier may differ by now).
            if (await FindBonus(db, rule, referral.Id, advocate, grant.SourceEventId, ct) is { } earlier) grants.Add(earlier);
            return;
        }
        if (await tiers.TierAsync(advocate, referral, ct) is not { Percent: > 100 } tier) return;
        var bonus = grant.Amount * (tier.Percent - 100) / 100;
        if (bonus <= 0) return;
        grants.Add(await credits.GrantAsync(new Credit(rule, advocate, grant.SourceEventId, bonus)
        {
            Referral = referral, Reason = AdvocateTiers.BonusReason(tier, grant.RuleKey),
        }, ct));
    }

    /// <summary>A first payment may lift the advocate into a new tier: recorded once per payment, and the member is told (credits topic).</summary>
    private async Task RecordTierChangeAsync(Referral referral, string advocate, string eventId, CancellationToken ct)
    {
        if (referral.IsTest) return;
        var rules = AdvocateTiers.Rules(await programs.GetAsync(ct));
        var count = await tiers.ConversionsAsync(advocate, referral, ct);
        var (before, after) = (AdvocateTiers.TierFor(count - 1, rules), AdvocateTiers.TierFor(count, rules));
        if (after is null || before?.Name == after.Name) return;
        db.Add(new AdvocateTierChange
        {
            MemberId = advocate, FromTier = before?.Name ?? "", ToTier = after.Name, Percent = after.Percent, SourceEventId = eventId,
            At = clock.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(ct);
    }

    private bool IsNew(RewardGrant grant) => grant.LedgerEntry is { } entry && credits.Created.Contains(entry);

    private static readonly Func<CommunityDb, string, long, string, string, CancellationToken, Task<RewardGrant?>> FindBonus = EF.CompileAsyncQuery(
        (CommunityDb db, string rule, long referralId, string beneficiary, string source, CancellationToken ct) =>
            db.Set<RewardGrant>().AsNoTracking()
            .FirstOrDefault(g => g.RuleKey == rule && g.ReferralId == referralId && g.BeneficiaryId == beneficiary && g.SourceEventId == source));

    private async Task<List<RewardGrant>> GrantMilestonesAsync(string advocateId, ReferralProgram program, CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        var milestones = ProgramStore.ParseMilestones(program.Milestones);
        if (milestones.Count == 0) return grants;
        var converted = await ConvertedCount(db, advocateId, ct);
        foreach (var (count, amount) in milestones.Where(m => m.Count <= converted && m.Credits > 0))
        {
            grants.Add(await credits.GrantAsync(new Credit(RuleKeys.MilestonePrefix + count, advocateId, GrantSources.Milestone, amount), ct));
        }
        return grants;
    }

    /// <summary>
    /// Takes back the share of each conversion reward that the refund represents (a 30% refund reverses 30%),
    /// never more than what is left of the original entry. A chargeback reverses whatever is left.
    /// </summary>
    public async Task<List<RewardGrant>> ReverseAsync(Referral referral, ReferralConversion conversion, ReferralConversion refund,
        CancellationToken ct)
    {
        var grants = new List<RewardGrant>();
        if (referral.Decision != ReferralDecision.Allow) return grants;
        // Only a refund or chargeback of this very payment reverses anything, and a refund only its share.
        if (!EventTypes.TakesBack(refund.Kind) || refund.RefundsEventId != conversion.EventId) return grants;
        var originals = await db.Set<RewardGrant>().AsNoTracking().Include(g => g.LedgerEntry)
            .Where(g => g.ReferralId == referral.Id && g.SourceEventId == conversion.EventId && g.LedgerEntryId != null
                && !g.RuleKey.StartsWith(RuleKeys.ReversePrefix))
            .ToListAsync(ct);
        foreach (var original in originals)
        {
            var entry = original.LedgerEntry!;
            var alreadyReversed = -await db.Set<LedgerEntry>().Where(e => e.ReversesEntryId == entry.Id).SumAsync(e => e.Amount, ct);
            var remaining = entry.Amount - alreadyReversed;
            var share = refund.Kind == EventTypes.Chargeback || conversion.Amount <= 0
                ? remaining
                : (long)Math.Round((decimal)entry.Amount * refund.Amount / conversion.Amount, MidpointRounding.AwayFromZero);
            grants.Add(await credits.GrantAsync(new Credit(RuleKeys.ReversePrefix + original.RuleKey, original.BeneficiaryId, refund.EventId,
                -Math.Min(remaining, share))
            {
                Referral = referral, Kind = LedgerKind.Reversal, Reason = refund.Kind, Reverses = entry,
            }, ct));
        }
        return grants;
    }

    /// <summary>After an approval: everything the referral would have earned, each still exactly once.</summary>
    public async Task<List<RewardGrant>> ReplayAsync(Referral referral, CancellationToken ct)
    {
        var grants = await GrantSignupAsync(referral, ct);
        var events = await db.Set<ReferralConversion>().AsNoTracking().Where(c => c.ReferralId == referral.Id)
            .OrderBy(c => c.At).ThenBy(c => c.Id).ToListAsync(ct);
        foreach (var conversion in events.Where(e => e.Kind == EventTypes.Conversion))
        {
            grants.AddRange(await GrantConversionAsync(referral, conversion, ct));
            foreach (var refund in events.Where(e => e.Kind != EventTypes.Conversion && e.RefundsEventId == conversion.EventId))
                grants.AddRange(await ReverseAsync(referral, conversion, refund, ct));
        }
        return grants;
    }

    private Task<RewardGrant> GrantAsync(string rule, Referral referral, string beneficiary, string source, long amount, CancellationToken ct) =>
        credits.GrantAsync(new Credit(rule, beneficiary, source, amount) { Referral = referral }, ct);

    // Compiled once: these run inside the events writer for every rewarded event.
    private static readonly Func<CommunityDb, long, CancellationToken, Task<long?>> RewardOverride = EF.CompileAsyncQuery(
        (CommunityDb db, long codeId, CancellationToken ct) =>
            db.Set<ReferralCode>().Where(c => c.Id == codeId).Select(c => c.RewardOverride).First());

    private static readonly Func<CommunityDb, long, CancellationToken, Task<string?>> FirstConversion = EF.CompileAsyncQuery(
        (CommunityDb db, long referralId, CancellationToken ct) => db.Set<ReferralConversion>()
            .Where(c => c.ReferralId == referralId && c.Kind == EventTypes.Conversion)
            .OrderBy(c => c.At).ThenBy(c => c.Id).Select(c => c.EventId).FirstOrDefault());

    private static readonly Func<CommunityDb, long, CancellationToken, Task<DateTime>> FirstConversionAt = EF.CompileAsyncQuery(
        (CommunityDb db, long referralId, CancellationToken ct) => db.Set<ReferralConversion>()
            .Where(c => c.ReferralId == referralId && c.Kind == EventTypes.Conversion)
            .OrderBy(c => c.At).ThenBy(c => c.Id).Select(c => c.At).First());

    private static readonly Func<CommunityDb, string, CancellationToken, Task<int>> ConvertedCount = EF.CompileAsyncQuery(
        (CommunityDb db, string advocateId, CancellationToken ct) =>
            db.Set<Referral>().Count(r => r.AdvocateId == advocateId && r.ConvertedAt != null && r.Decision == ReferralDecision.Allow && !r.IsTest));
}
