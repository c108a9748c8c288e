using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record Balances(long Pending, long Available, long Lifetime);

public sealed record LedgerEntryView(long Id, string Kind, long Amount, DateTime CreatedAt, DateTime AvailableAt, string State,
    string Reason, string Explanation, long? ReferralId, long? ReversesEntryId, string? Note);

public sealed record CreditNotice(LedgerEntryView Entry, Balances Balances);

/// <summary>Reads the ledger: balances are sums, and "available" is simply an entry whose hold has passed by the injected clock.</summary>
public sealed class Ledger(CommunityDb db, TimeProvider clock, ILiveBus live)
{
    /// <summary>The live event a member receives for each new entry.</summary>
    public const string LiveEvent = "referralCredit";

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
        return new LedgerEntryView(e.Id, e.Kind.ToString().ToLowerInvariant(), e.Amount, e.CreatedAt, e.AvailableAt, state, e.Reason, Explain(e),
            e.ReferralId, e.ReversesEntryId, e.Note);
    }

    public static string Explain(LedgerEntry e) => ExplainReason(e.Reason);

    public static string ExplainReason(string reason) => reason switch
    {
        RuleKeys.SignupAdvocate => "Someone joined with your link",
        RuleKeys.SignupFriend => "Welcome credit for joining through a friend",
        RuleKeys.ConversionAdvocate => "Your referral became a paying customer",
        RuleKeys.RecurringAdvocate => "Your referral paid another invoice",
        RuleKeys.ConversionFriend => "Thanks for subscribing through a friend",
        EventTypes.Refund => "Part or all of a payment was refunded, so the matching credit was reversed",
        EventTypes.Chargeback => "A payment was charged back, so its credit was reversed",
        RuleKeys.Redemption => "You redeemed credits",
        RuleKeys.Adjustment => "Adjustment by the community team",
        var r when r.StartsWith(RuleKeys.MilestonePrefix, StringComparison.Ordinal) =>
            $"Milestone bonus: {r[RuleKeys.MilestonePrefix.Length..]} paying referrals",
        var r when r.StartsWith(RuleKeys.TierPrefix, StringComparison.Ordinal) => AdvocateTiers.ExplainBonus(r) ?? r,
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
                await live.PublishAsync(LiveGroups.Member(group.Key), Ledger.LiveEvent, new CreditNotice(View(entry, now), balances), ct);
            }
        }
    }
}
