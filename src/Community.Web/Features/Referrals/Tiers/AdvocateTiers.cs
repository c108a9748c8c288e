using System.Globalization;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Referrals;

/// <summary>A tier of the program: its name, the paying customers (in the last 12 months) that reach it, and its reward multiplier
/// in percent (150 = ×1.5).</summary>
public sealed record TierRule(string Name, int Conversions, int Percent)
{
    public string Multiplier => "×" + (Percent / 100m).ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>Where an advocate stands: their tier (null below Bronze), paying customers in the last 12 months, and the next tier.</summary>
public sealed record AdvocateTierView(string? Tier, string Multiplier, int Conversions, string? NextTier, int? NextConversions, int ToNext,
    string? NextMultiplier, IReadOnlyList<TierRule> Tiers);

/// <summary>A move up between tiers, written with the conversion that caused it; the member is notified of it (credits topic).</summary>
public sealed class AdvocateTierChange
{
    public long Id { get; set; }
    public string MemberId { get; set; } = "";
    public string FromTier { get; set; } = "";
    public string ToTier { get; set; } = "";
    public int Percent { get; set; }
    /// <summary>The conversion event that moved the advocate; one change per event at most.</summary>
    public string SourceEventId { get; set; } = "";
    public DateTime At { get; set; }
}

internal sealed class AdvocateTierChangeConfiguration : IEntityTypeConfiguration<AdvocateTierChange>
{
    public void Configure(EntityTypeBuilder<AdvocateTierChange> b)
    {
        b.ToTable("AdvocateTierChanges");
        b.Property(c => c.MemberId).HasMaxLength(450);
        b.Property(c => c.FromTier).HasMaxLength(16);
        b.Property(c => c.ToTier).HasMaxLength(16);
        b.Property(c => c.SourceEventId).HasMaxLength(200);
        b.HasIndex(c => new { c.MemberId, c.SourceEventId }).IsUnique();
    }
}

/// <summary>
/// Bronze, Silver and Gold by paying customers in the last 12 months; thresholds and multipliers are the program's. The multiplier is
/// paid by <see cref="ReferralRewards"/> as its own ledger entry next to each advocate reward (see <see cref="RuleKeys.TierPrefix"/>).
/// </summary>
public sealed class AdvocateTiers(CommunityDb db, ProgramStore programs, TimeProvider clock)
{
    public const string Bronze = "Bronze", Silver = "Silver", Gold = "Gold";
    public const int WindowMonths = 12;

    public static IReadOnlyList<TierRule> Rules(ReferralProgram p) =>
        [new(Bronze, p.TierBronzeConversions, p.TierBronzePercent), new(Silver, p.TierSilverConversions, p.TierSilverPercent),
         new(Gold, p.TierGoldConversions, p.TierGoldPercent)];

    public static TierRule? TierFor(int conversions, IReadOnlyList<TierRule> rules) =>
        rules.Where(r => r.Conversions > 0 && conversions >= r.Conversions).MaxBy(r => r.Conversions);

    public DateTime WindowStart => clock.GetUtcNow().UtcDateTime.AddMonths(-WindowMonths);

    /// <summary>Paying customers the advocate brought in the window, counting <paramref name="current"/> by its in-memory state (its
    /// conversion may not be saved yet when a reward is granted).</summary>
    public async Task<int> ConversionsAsync(string advocateId, Referral? current, CancellationToken ct)
    {
        var since = WindowStart;
        var currentId = current?.Id ?? 0;
        var others = await db.Set<Referral>().CountAsync(r => r.AdvocateId == advocateId && r.Id != currentId && r.ConvertedAt >= since
            && r.Decision == ReferralDecision.Allow && !r.IsTest, ct);
        var counted = current is { IsTest: false, Decision: ReferralDecision.Allow, ConvertedAt: { } at } && at >= since ? 1 : 0;
        return others + counted;
    }

    public async Task<TierRule?> TierAsync(string advocateId, Referral? current, CancellationToken ct) =>
        TierFor(await ConversionsAsync(advocateId, current, ct), Rules(await programs.GetAsync(ct)));

    public async Task<AdvocateTierView> OfAsync(string advocateId, CancellationToken ct)
    {
        var rules = Rules(await programs.GetAsync(ct));
        var conversions = await ConversionsAsync(advocateId, null, ct);
        var tier = TierFor(conversions, rules);
        var next = rules.Where(r => r.Conversions > conversions).MinBy(r => r.Conversions);
        return new AdvocateTierView(tier?.Name, tier?.Multiplier ?? "×1", conversions, next?.Name, next?.Conversions,
            next is null ? 0 : next.Conversions - conversions, next?.Multiplier, rules);
    }

    /// <summary>The ledger reason of a tier bonus: the tier and multiplier at the time, and the reward it multiplies.</summary>
    public static string BonusReason(TierRule tier, string baseRule) =>
        $"{RuleKeys.TierPrefix}{tier.Name.ToLowerInvariant()}:{tier.Percent}:{baseRule}";

    /// <summary>"Gold tier bonus ×1.5 on: Your referral became a paying customer".</summary>
    public static string? ExplainBonus(string reason)
    {
        var parts = reason.Split(':', 4);
        if (parts.Length != 4 || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var percent)) return null;
        var name = parts[1].Length == 0 ? parts[1] : char.ToUpperInvariant(parts[1][0]) + parts[1][1..];
        return $"{name} tier bonus {new TierRule(name, 0, percent).Multiplier} on: {Ledger.ExplainReason(parts[3])}";
    }
}
