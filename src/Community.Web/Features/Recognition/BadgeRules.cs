using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Forums;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Recognition;

/// <summary>The members a live story features (Publishing answers).</summary>
public interface IFeaturedMembers
{
    Task<IReadOnlyList<string>> FeaturedAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct);
}

/// <summary>
/// The automatic badges' rules, applied to committed data read through the owning features' interfaces. Works for a batch of
/// members (the activity listener) or everyone (the daily pass) with the same few grouped queries; each grant goes through
/// <see cref="BadgeGrants"/>, so running this twice, or on two servers at once, grants nothing twice.
/// </summary>
public sealed class BadgeRules(CommunityDb db, IForumMemberFacts forum, IReferralMemberFacts referrals, IMemberJoins joins, BadgeGrants grants,
    IFeaturedMembers featured, TimeProvider clock)
{
    public const int NameMax = 60, DescriptionMax = 300, ReasonMax = 500;
    public const int HelpfulAnswers = 10, WelcomedThreads = 10;

    private static readonly string[] Forum = [BadgeCatalog.FirstPost, BadgeCatalog.FirstAnswer, BadgeCatalog.Helpful, BadgeCatalog.Welcomer,
        BadgeCatalog.IdeaShipped];

    /// <summary>Grants what <paramref name="memberIds"/> (or everyone, when null) have earned and not yet hold; returns how many.</summary>
    public async Task<int> ApplyAsync(IReadOnlyCollection<string>? memberIds, CancellationToken ct)
    {
        var held = db.Set<MemberBadge>().AsNoTracking().Where(b => !b.Badge.StartsWith("custom-"));
        if (memberIds is not null) held = held.Where(b => memberIds.Contains(b.MemberId));
        var holds = (await held.Select(b => new { b.MemberId, b.Badge }).ToListAsync(ct))
            .Select(b => (b.MemberId, b.Badge)).ToHashSet();
        // Members who hold every forum badge need no forum facts (the busiest posters, on every batch).
        var open = memberIds?.Where(id => Forum.Any(b => !holds.Contains((id, b)))).ToList();
        var earned = new List<(string Member, string Badge)>();
        if (open is null || open.Count > 0)
        {
            foreach (var (id, f) in await forum.BadgeFactsAsync(open, ct))
            {
                if (f.Posts > 0) earned.Add((id, BadgeCatalog.FirstPost));
                if (f.AcceptedAnswers > 0) earned.Add((id, BadgeCatalog.FirstAnswer));
                if (f.AcceptedAnswers >= HelpfulAnswers) earned.Add((id, BadgeCatalog.Helpful));
                if (f.WelcomedThreads >= WelcomedThreads) earned.Add((id, BadgeCatalog.Welcomer));
                if (f.IdeasShipped > 0) earned.Add((id, BadgeCatalog.IdeaShipped));
            }
        }
        earned.AddRange((await referrals.WithConversionsAsync(memberIds, ct)).Select(id => (id, BadgeCatalog.Advocate)));
        earned.AddRange((await featured.FeaturedAsync(memberIds, ct)).Select(id => (id, BadgeCatalog.Spotlighted)));
        var yearAgo = clock.GetUtcNow().UtcDateTime.AddYears(-1);
        earned.AddRange((await joins.JoinedByAsync(yearAgo, memberIds, ct)).Select(id => (id, BadgeCatalog.Anniversary)));
        var granted = 0;
        foreach (var (member, badge) in earned.Where(e => !holds.Contains(e)))
        {
            if (await grants.GrantAsync(member, badge, BadgeCatalog.Find(badge)!.Name, null, null, ct)) granted++;
        }
        return granted;
    }
}
