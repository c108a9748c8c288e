using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Lifecycle.Timeline;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>The referral program's timeline entries: how the member arrived (the link clicked, the code typed, the campaign), the
/// sign-ups and customers they referred, and their credits with the ledger's own explanation.</summary>
internal sealed class ReferralTimeline(CommunityDb db, IMemberDirectory members) : IMemberTimelineSource
{
    public async Task<IReadOnlyList<TimelineEntry>> EntriesAsync(TimelineRequest request, CancellationToken ct)
    {
        var id = request.MemberId;
        var entries = new List<TimelineEntry>();
        await ArrivalAsync(id, entries, ct);

        var made = await db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId == id && !r.IsTest)
            .OrderByDescending(r => r.CreatedAt).Take(MemberTimeline.PerSource / 2).ToListAsync(ct);
        var friends = await members.FindManyAsync(made.Select(r => r.ReferredMemberId).OfType<string>(), ct);
        foreach (var r in made)
        {
            var friend = r.ReferredMemberId is { } f && friends.TryGetValue(f, out var card) ? card : null;
            var who = friend?.DisplayName ?? (r.ExternalCustomerId is null ? "a customer" : "customer " + r.ExternalCustomerId);
            var decision = r.Decision == ReferralDecision.Allow ? null : $"decision: {r.Decision.ToString().ToLowerInvariant()}";
            var url = friend is null ? null : "/admin/members/" + Uri.EscapeDataString(friend.Id);
            entries.Add(new TimelineEntry(r.CreatedAt, TimelineKinds.Referral, $"Referred {who}", decision, url));
            if (r.ConvertedAt is { } converted)
                entries.Add(new TimelineEntry(converted, TimelineKinds.Conversion, $"{who} became a paying customer", null, url));
        }

        var ledger = await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.MemberId == id)
            .OrderByDescending(e => e.Id).Take(MemberTimeline.PerSource / 2).ToListAsync(ct);
        entries.AddRange(ledger.Select(e => new TimelineEntry(e.CreatedAt, TimelineKinds.Credit,
            $"{(e.Amount >= 0 ? "+" : "")}{e.Amount} credits", Ledger.Explain(e))));
        return entries;
    }

    private async Task ArrivalAsync(string id, List<TimelineEntry> entries, CancellationToken ct)
    {
        var referral = await db.Set<Referral>().AsNoTracking().FirstOrDefaultAsync(r => r.ReferredMemberId == id, ct);
        if (referral is null) return;
        var code = await db.Set<ReferralCode>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == referral.CodeId, ct);
        var advocate = referral.AdvocateId is { } a ? await members.FindAsync(a, ct) : null;
        var by = advocate is null ? "" : $" from {advocate.DisplayName}";
        var title = referral.Source switch
        {
            ReferralSources.Cookie => $"Arrived through a referral link{by}",
            ReferralSources.Typed => $"Signed up with a referral code{by}",
            ReferralSources.Invite => "Signed up with a campaign invite code",
            ReferralSources.Claim => $"Claimed a referral{by} after joining",
            _ => $"Referred{by} (reported by the product)",
        };
        var details = new List<string>();
        if (code is not null) details.Add("code " + code.Code);
        if (code?.CampaignTag is { } tag) details.Add("campaign " + tag);
        if (referral.Decision != ReferralDecision.Allow) details.Add("decision: " + referral.Decision.ToString().ToLowerInvariant());
        var advocateUrl = advocate is null ? null : "/admin/members/" + Uri.EscapeDataString(advocate.Id);
        entries.Add(new TimelineEntry(referral.CreatedAt, TimelineKinds.Arrived, title, string.Join(" · ", details), advocateUrl));

        // The click that brought them: the last one from the same browser on that code before they joined.
        if (referral.DeviceId is not { } device) return;
        var click = await db.Set<ReferralClick>().AsNoTracking()
            .Where(c => c.CodeId == referral.CodeId && c.DeviceId == device && c.At <= referral.CreatedAt)
            .OrderByDescending(c => c.At).FirstOrDefaultAsync(ct);
        if (click is null) return;
        var utm = string.Join(" · ", new[] { click.UtmCampaign is { } c ? "campaign " + c : null, click.UtmSource is { } s ? "source " + s : null,
            click.UtmMedium is { } m ? "medium " + m : null }.OfType<string>());
        entries.Add(new TimelineEntry(click.At, TimelineKinds.Arrived, $"Clicked a referral link{by}", utm.Length == 0 ? null : utm, advocateUrl));
    }
}
