using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>One credit or debit to write: to whom, by which rule, for which source event, how much.</summary>
public sealed record Credit(string Rule, string BeneficiaryId, string SourceEventId, long Amount)
{
    /// <summary>The referral it rewards; none for milestones, adjustments and redemptions.</summary>
    public Referral? Referral { get; init; }
    public LedgerKind Kind { get; init; } = LedgerKind.Grant;
    /// <summary>The ledger entry's reason when it is not the rule (a reversal names the refund kind).</summary>
    public string? Reason { get; init; }
    /// <summary>Reversals: the entry they take back from.</summary>
    public LedgerEntry? Reverses { get; init; }
    public string? Note { get; init; }
    public string? ActorId { get; init; }
}

/// <summary>
/// The one place credits are written: a <see cref="RewardGrant"/> and, unless it comes to nothing, its <see cref="LedgerEntry"/>.
/// Every grant is keyed by (rule, referral, beneficiary, source event) under a unique index: a repeated or concurrent
/// request finds the original grant instead of writing a second one.
/// </summary>
public sealed class Credits(CommunityDb db, TimeProvider clock, ProgramStore programs, ReferralWebhooks webhooks)
{
    private const string Savepoint = "reward_grant";
    private readonly List<LedgerEntry> _created = [];

    /// <summary>Ledger entries written through this instance, to announce once the transaction has committed.</summary>
    public IReadOnlyList<LedgerEntry> Created => _created;

    /// <summary>Writes the credit once; when its key is taken already (a repeat, or a race lost), returns the original grant.</summary>
    public async Task<RewardGrant> GrantAsync(Credit credit, CancellationToken ct)
    {
        var referralId = credit.Referral?.Id ?? 0;
        var existing = await FindGrant(db, credit.Rule, referralId, credit.BeneficiaryId, credit.SourceEventId, ct);
        if (existing is not null) return existing;

        var now = clock.GetUtcNow().UtcDateTime;
        var program = await programs.GetAsync(ct);
        var (amount, outcome) = (credit.Amount, GrantOutcomes.Granted);
        if (credit.Referral?.IsTest == true) (amount, outcome) = (0, ReasonCodes.TestReferral);
        else if (amount > 0 && RuleKeys.IsCapped(credit.Rule))
        {
            var left = await CapLeftAsync(credit.BeneficiaryId, program, now, ct);
            if (credit.Rule == RuleKeys.RecurringAdvocate && program.RecurringCap > 0 && credit.Referral is { } referral)
                left = Math.Min(left, program.RecurringCap - await RecurringEarned(db, referral.Id, ct));
            if (amount > left) (amount, outcome) = left > 0 ? (left, GrantOutcomes.Capped) : (0, ReasonCodes.OverCap);
        }
        var grant = new RewardGrant
        {
            RuleKey = credit.Rule, ReferralId = referralId, BeneficiaryId = credit.BeneficiaryId, SourceEventId = credit.SourceEventId,
            Amount = amount, Outcome = outcome, CreatedAt = now,
        };
        if (amount != 0)
        {
            grant.LedgerEntry = new LedgerEntry
            {
                MemberId = credit.BeneficiaryId, Kind = credit.Kind, Amount = amount, CreatedAt = now,
                AvailableAt = AvailableAt(credit, program, now),
                ReferralId = credit.Referral?.Id, ReversesEntryId = credit.Reverses?.Id, Reason = credit.Reason ?? credit.Rule,
                Note = credit.Note, ActorId = credit.ActorId,
            };
        }
        db.Add(grant);
        try
        {
            // The entry and its grant stand or fall together, without undoing the caller's earlier writes in the same transaction.
            await db.WithSavepointAsync(Savepoint, () => db.SaveChangesAsync(ct), ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Lost a race with an identical request: the winner's grant is the answer.
            db.Entry(grant).State = EntityState.Detached;
            if (grant.LedgerEntry is not null) db.Entry(grant.LedgerEntry).State = EntityState.Detached;
            return await FindGrant(db, credit.Rule, referralId, credit.BeneficiaryId, credit.SourceEventId, ct)
                ?? throw new InvalidOperationException("Grant vanished after a unique violation.", ex);
        }
        if (grant.LedgerEntry is not null)
        {
            _created.Add(grant.LedgerEntry);
            // After the insert, so the event names the entry; in the caller's transaction, so it is undone with it.
            await webhooks.CreditAsync(db, grant.LedgerEntry, credit, ct);
            await db.SaveChangesAsync(ct);
        }
        return grant;
    }

    private static DateTime AvailableAt(Credit credit, ReferralProgram program, DateTime now) => credit switch
    {
        // A reversal of a credit still on hold nets the pending balance; otherwise it takes from what is available now.
        { Reverses: { } reversed } => reversed.AvailableAt > now ? reversed.AvailableAt : now,
        { Kind: LedgerKind.Grant } => now.AddDays(program.HoldDays),
        _ => now, // adjustments and redemptions apply at once
    };

    // Compiled once: this runs inside the events writer for every rewarded event.
    private static readonly Func<CommunityDb, string, long, string, string, CancellationToken, Task<RewardGrant?>> FindGrant = EF.CompileAsyncQuery(
        (CommunityDb db, string rule, long referralId, string beneficiary, string source, CancellationToken ct) =>
            db.Set<RewardGrant>().AsNoTracking()
            .FirstOrDefault(g => g.RuleKey == rule && g.ReferralId == referralId && g.BeneficiaryId == beneficiary && g.SourceEventId == source));

    /// <summary>What a referral's later payments earned so far, less what refunds took back of it.</summary>
    private static readonly Func<CommunityDb, long, CancellationToken, Task<long>> RecurringEarned = EF.CompileAsyncQuery(
        (CommunityDb db, long referralId, CancellationToken ct) => db.Set<RewardGrant>()
            .Where(g => g.ReferralId == referralId
                && (g.RuleKey == RuleKeys.RecurringAdvocate || g.RuleKey == RuleKeys.ReversePrefix + RuleKeys.RecurringAdvocate))
            .Sum(g => g.Amount));

    private async Task<long> CapLeftAsync(string beneficiary, ReferralProgram program, DateTime now, CancellationToken ct)
    {
        var monthStart = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var capped = db.Set<RewardGrant>().Where(g => g.BeneficiaryId == beneficiary
            && (g.RuleKey == RuleKeys.SignupAdvocate || g.RuleKey == RuleKeys.ConversionAdvocate || g.RuleKey == RuleKeys.RecurringAdvocate
                || g.RuleKey.StartsWith(RuleKeys.MilestonePrefix) || g.RuleKey.StartsWith(RuleKeys.TierPrefix)));
        var left = long.MaxValue;
        if (program.LifetimeCap > 0) left = Math.Min(left, program.LifetimeCap - await capped.SumAsync(g => g.Amount, ct));
        if (program.MonthlyCap > 0)
            left = Math.Min(left, program.MonthlyCap - await capped.Where(g => g.CreatedAt >= monthStart).SumAsync(g => g.Amount, ct));
        return left;
    }
}
