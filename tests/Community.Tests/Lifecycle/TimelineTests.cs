using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Lifecycle;

namespace Community.Tests.Lifecycle;

public sealed record TimelineEntryView(DateTime At, string Kind, string Title, string? Detail, string? Url);
public sealed record TimelineMemberView(string Id, string UserName, string DisplayName, DateTime JoinedAt, string ProfileUrl);
public sealed record TimelineView(TimelineMemberView Member, LifecycleView? Lifecycle, List<TimelineEntryView> Entries);

/// <summary>A member's admin timeline: how they arrived, what they did, what they earned, how their stage moved — for staff only.</summary>
public sealed class TimelineTests(LifecycleFactory factory) : IClassFixture<LifecycleFactory>
{
    private static async Task<TimelineView> TimelineAsync(ApiClient staff, string key) =>
        await ApiClient.ReadAsync<TimelineView>(await staff.GetAsync($"/api/admin/members/{Uri.EscapeDataString(key)}/timeline"));

    [Fact]
    public async Task Staff_see_how_a_referred_member_arrived_what_they_did_and_what_their_advocate_earned_newest_first()
    {
        using var admin = await factory.MemberAsync("Timeline Admin", "Admin");
        using var advocate = await factory.MemberAsync("Timeline Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        await friend.Http.GetAsync($"/r/{code}?utm_campaign=spring&utm_source=newsletter");
        var me = await friend.JoinWithCodeAsync("Timeline Friend", code: null);
        var qa = await Forum.CategoryAsync(admin, qa: true);
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var question = await Forum.ThreadAsync(friend, qa.Id, "How do timelines work?");
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        var answer = await Forum.ReplyAsync(advocate, question.Thread.Id, "Newest first");
        await ApiClient.ReadAsync<ThreadView>(await friend.PostAsync($"/api/threads/{question.Thread.Id}/accept", new { seq = answer.Seq }));
        await admin.StageBecomesAsync(me.Id, Stages.Onboarding);
        await admin.StageBecomesAsync(advocate.Current!.Id, Stages.Advocate);

        var friendView = await Eventually.ValueAsync(() => TimelineAsync(admin, me.UserName),
            v => v.Entries.Count(e => e.Kind == "arrived") == 2); // the click is written a moment after the redirect
        Assert.Equal(me.Id, friendView.Member.Id);
        Assert.Equal(Stages.Onboarding, friendView.Lifecycle!.Stage);
        var kinds = friendView.Entries.Select(e => e.Kind).ToList();
        Assert.Equal(friendView.Entries.OrderByDescending(e => e.At).Select(e => e.At), friendView.Entries.Select(e => e.At));
        var arrived = friendView.Entries.Where(e => e.Kind == "arrived").ToList();
        Assert.Contains(arrived, e => e.Title == "Arrived through a referral link from Timeline Advocate"
            && e.Detail!.Contains("code " + code, StringComparison.Ordinal) && e.Url == "/admin/members/" + advocate.Current.Id);
        Assert.Contains(arrived, e => e.Title.StartsWith("Clicked a referral link", StringComparison.Ordinal)
            && e.Detail == "campaign spring · source newsletter");
        Assert.Contains(friendView.Entries, e => e.Kind == "joined" && e.Title == "Signed up with email");
        var firstPost = Assert.Single(friendView.Entries, e => e.Kind == "first-post");
        Assert.Equal("First post: How do timelines work?", firstPost.Title);
        Assert.Equal($"{question.Thread.Url}#p1", firstPost.Url);
        Assert.Contains(friendView.Entries, e => e.Kind == "credit" && e.Title == "+500 credits");
        // Joined first, or Onboarding at once when the join and the first post reach the listener in one batch.
        Assert.Contains(friendView.Entries, e => e.Kind == "stage" && e.Title.EndsWith("Onboarding", StringComparison.Ordinal));
        Assert.True(kinds.IndexOf("first-post") < kinds.IndexOf("joined"));

        var advocateView = await TimelineAsync(admin, advocate.Current.Id);
        Assert.Contains(advocateView.Entries,
            e => e.Kind == "referral" && e.Title == "Referred Timeline Friend" && e.Url == "/admin/members/" + me.Id);
        Assert.Contains(advocateView.Entries, e => e.Kind == "first-answer" && e.Title == "First accepted answer: How do timelines work?");
        Assert.Contains(advocateView.Entries, e => e.Kind == "credit" && e.Detail == "Someone joined with your link");
        Assert.Contains(advocateView.Entries, e => e.Kind == "stage" && e.Detail == "referred a sign-up");
        // Badges come from Recognition through the same extension point (granted a moment after the post).
        var withBadge = await Eventually.ValueAsync(() => TimelineAsync(admin, me.UserName), v => v.Entries.Any(e => e.Kind == "badge"));
        Assert.Contains(withBadge.Entries, e => e.Kind == "badge" && e.Title == "Earned the badge “First post”" && e.Url == "/u/" + me.UserName);
    }

    [Fact]
    public async Task Members_get_403_and_visitors_401_and_staff_do_not_see_titles_of_threads_they_cannot_read()
    {
        using var admin = await factory.MemberAsync("Privacy Admin", "Admin");
        using var member = await factory.MemberAsync("Private Poster");
        await factory.GrantRolesAsync(member.Current!.Id, "Moderator");
        await member.SignInAgainAsync();
        var hidden = await Forum.CategoryAsync(admin, false, "Moderator");
        await Forum.ThreadAsync(member, hidden.Id, "Secret staff plans");
        var id = member.Current!.Id;

        using var other = await factory.MemberAsync("Nosy Member");
        var problem = await ApiClient.ProblemAsync(await other.GetAsync($"/api/admin/members/{id}/timeline"), HttpStatusCode.Forbidden);
        Assert.Equal(403, problem.Status);
        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await visitor.GetAsync($"/api/admin/members/{id}/timeline")).StatusCode);
        var page = await other.GetAsync($"/admin/members/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);

        using var marketing = await factory.MemberAsync("Timeline Marketer", "Marketing");
        var view = await TimelineAsync(marketing, id);
        var first = Assert.Single(view.Entries, e => e.Kind == "first-post");
        Assert.DoesNotContain("Secret", first.Title, StringComparison.Ordinal);
        Assert.Null(first.Url);
        var adminView = await TimelineAsync(admin, id);
        Assert.Equal("First post: Secret staff plans", Assert.Single(adminView.Entries, e => e.Kind == "first-post").Title);
        Assert.Equal(HttpStatusCode.OK, (await marketing.GetAsync($"/admin/members/{id}")).StatusCode);
        await ApiClient.ProblemAsync(await marketing.GetAsync("/api/admin/members/no-such-member/timeline"), HttpStatusCode.NotFound);
    }
}
