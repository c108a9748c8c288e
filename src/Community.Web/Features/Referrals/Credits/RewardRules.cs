using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>
/// The program's reward rules: what a sign-up, a first payment, a milestone or a refund is worth, and to whom.
/// Only allowed referrals earn; every amount is written through <see cref="Credits"/>, so each stays exactly once.
/// </summary>
public sealed class ReferralRewards(CommunityDb db, Credits credits, ProgramStore programs)
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
            grants.Add(await GrantAsync(RuleKeys.SignupAdvocate, referral, advocate, GrantSources.Signup, program.SignupAdvocateCredits, ct));
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
            if (amount > 0) grants.Add(await GrantAsync(RuleKeys.ConversionAdvocate, referral, advocate, conversion.EventId, amount, ct));
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
        return [await GrantAsync(RuleKeys.RecurringAdvocate, referral, advocate, payment.EventId, amount, ct)];
    }

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
