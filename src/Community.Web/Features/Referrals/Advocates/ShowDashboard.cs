using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Pages;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record Funnel(long Clicks, int Signups, int Conversions);
public sealed record AdvocateCode(string Code, string Kind, string Link);
public sealed record AdvocateReferral(long Id, DateTime CreatedAt, string Who, string Status, bool IsTest, string? TestLabel,
    IReadOnlyList<string> Reasons, IReadOnlyList<string> Explanations);
public sealed record AdvocateDashboard(string Link, string Code, IReadOnlyList<AdvocateCode> Codes, Funnel Funnel, Balances Balances,
    IReadOnlyList<LedgerEntryView> Entries, IReadOnlyList<AdvocateReferral> Referrals, int? Rank, bool LeaderboardOptOut, bool CanClaim,
    int ClaimDaysLeft, bool DeviceKnown, AdvocateTierView? Tier = null);

/// <summary>GET /api/referrals/me: the advocate's link, codes, funnel, balances, ledger and referrals.</summary>
internal static class ShowDashboard
{
    public static void Map(RouteGroupBuilder me) => me.MapGet("/me", Handle);

    /// <summary>Read-only (apart from creating the member's code on their very first visit): the page asks for
    /// <see cref="RememberDevice"/> separately, only when <c>deviceKnown</c> is false.</summary>
    private static async Task<Results<Ok<AdvocateDashboard>, ProblemHttpResult>> Handle(ClaimsPrincipal user, HttpContext http, CommunityDb db,
        IMemberDirectory members, Ledger ledger, Leaderboard leaderboard, IpHasher ips, PublicUrls urls, ReferralOptions options, TimeProvider clock,
        AdvocateTiers tiers, CancellationToken ct)
    {
        var id = Advocates.MemberId(user);
        var primary = await Advocates.PersonalCodeAsync(db, id, clock, ct);
        var baseUrl = urls.Base;
        var codes = await db.Set<ReferralCode>().AsNoTracking().Where(c => c.OwnerId == id).OrderBy(c => c.Kind).ToListAsync(ct);
        var clicks = codes.Sum(c => c.ClickCount);
        var mine = db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId == id && !r.IsTest);
        var signups = await mine.CountAsync(r => r.ConfirmedAt != null, ct);
        var conversions = await mine.CountAsync(r => r.ConvertedAt != null, ct);
        var recent = await db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId == id).OrderByDescending(r => r.Id).Take(50).ToListAsync(ct);
        var ids = recent.Select(r => r.ReferredMemberId).OfType<string>().Append(id);
        var people = await members.FindManyAsync(ids, ct);
        var settings = await db.Set<AdvocateSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.MemberId == id, ct);
        var device = ReferralCookies.DeviceId(http);
        var deviceKnown = device is not null && settings is not null && settings.DeviceIds.Split(',').Contains(device, StringComparer.Ordinal)
            && settings.LastIpHash == await ips.HashAsync(http.Connection.RemoteIpAddress, ct);
        var claimLeft = options.ClaimDays - (int)Math.Floor((clock.GetUtcNow().UtcDateTime - people[id].JoinedAt).TotalDays);
        var canClaim = claimLeft > 0 && !await db.Set<Referral>().AnyAsync(r => r.ReferredMemberId == id, ct);
        return TypedResults.Ok(new AdvocateDashboard(
            Advocates.Link(baseUrl, primary.Code), primary.Code,
            codes.Where(c => !c.Disabled)
                .Select(c => new AdvocateCode(c.Code, c.Kind.ToString().ToLowerInvariant(), Advocates.Link(baseUrl, c.Code))).ToList(),
            new Funnel(clicks, signups, conversions),
            await ledger.BalancesAsync(id, ct),
            await ledger.EntriesAsync(id, 100, ct),
            recent.Select(r => View(r, r.ReferredMemberId is { } friend ? people.GetValueOrDefault(friend)?.DisplayName : null)).ToList(),
            await leaderboard.RankAsync(id, ct),
            settings?.LeaderboardOptOut ?? false,
            canClaim, Math.Max(0, claimLeft), deviceKnown, await tiers.OfAsync(id, ct)));
    }

    /// <summary>A referral as its advocate sees it: kind words, and only the signals that stopped it.</summary>
    internal static AdvocateReferral View(Referral r, string? name)
    {
        var awaiting = !r.IsTest && r.ConfirmedAt is null && r.Decision is ReferralDecision.Allow or ReferralDecision.Review;
        var status = r.IsTest ? "test" : awaiting ? "awaiting confirmation" : r.Decision switch
        {
            ReferralDecision.Review => "in review",
            ReferralDecision.Block or ReferralDecision.Rejected => "not eligible",
            _ => r.ChurnedAt is not null ? "churned" : r.ConvertedAt is not null ? "converted" : "signed up",
        };
        var reasons = r.ReasonList();
        if (r.IsTest && !reasons.Contains(ReasonCodes.TestReferral)) reasons.Add(ReasonCodes.TestReferral);
        if (r.Decision == ReferralDecision.Rejected && !reasons.Contains(ReasonCodes.Rejected)) reasons.Add(ReasonCodes.Rejected);
        // Signals that did not stop the referral are not worth worrying the advocate about.
        var shown = r.Decision == ReferralDecision.Allow ? reasons.Where(x => x is ReasonCodes.TestReferral).ToList() : reasons;
        if (awaiting) shown = [ReasonCodes.AwaitingConfirmation];
        return new AdvocateReferral(r.Id, r.CreatedAt, r.IsTest ? (r.TestLabel ?? "Test") : name ?? "A new customer", status, r.IsTest, r.TestLabel,
            shown, shown.Select(Reasons.ForAdvocate).ToList());
    }
}
