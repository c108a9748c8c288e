using Community.Web.Data;
using Community.Web.Features.Integrations;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Accounts;

/// <summary>The <c>data</c> of member.* webhook events: the member's own public profile, product ids and email
/// (the event is about them). Never password or security stamps, never another member's email.</summary>
public sealed record MemberEventData(string MemberId, string? ExternalId, string UserName, string DisplayName, string? Email,
    string ProfileUrl, DateTime JoinedAt);

/// <summary>Shapes and records the member webhook events inside the caller's write.</summary>
public sealed class AccountWebhooks(IWebhookEvents events, PublicUrls urls, IMemberActivity activity)
{
    public void Created(CommunityDb db, Member member)
    {
        activity.Report(member.Id, ActivityKind.Joined, member.JoinedAt);
        events.Add(db, WebhookTypes.MemberCreated, Data(member));
    }

    public void Updated(CommunityDb db, Member member) => events.Add(db, WebhookTypes.MemberUpdated, Data(member));

    private MemberEventData Data(Member m) => new(m.Id, m.ExternalId, m.UserName ?? "", m.DisplayName, m.Email,
        urls.Absolute("/u/" + Uri.EscapeDataString(m.UserName ?? "")), m.JoinedAt);
}
