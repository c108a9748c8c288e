using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Recognition;

public sealed class ProfileActivityTests(RecognitionFactory factory) : IClassFixture<RecognitionFactory>
{
    [Fact]
    public async Task Profile_lists_only_posts_the_viewer_may_read_and_the_trust_level_only_to_the_member_and_staff()
    {
        using var admin = await factory.MemberAsync("Profile Admin", "Admin");
        using var moderator = await factory.MemberAsync("Profile Moderator", "Moderator");
        using var member = await factory.MemberAsync("Profile Member");
        using var anonymous = factory.CreateApiClient();
        var open = await Forum.CategoryAsync(admin, qa: true);
        var staffOnly = await Forum.CategoryAsync(admin, false, "Moderator");
        var question = await Forum.ThreadAsync(member, open.Id, "Public question about exports");
        var answer = await Forum.ReplyAsync(moderator, question.Thread.Id, "Use the export button");
        await member.PostAsync($"/api/threads/{question.Thread.Id}/accept", new { seq = answer.Seq });
        await Forum.ThreadAsync(moderator, staffOnly.Id, "Secret staff plans for pricing");
        var hidden = await Forum.ReplyAsync(moderator, question.Thread.Id, "A reply moderators hid");
        await moderator.PostAsync($"/api/posts/{hidden.Id}/hide", new { reason = "test" });

        var name = moderator.Current!.UserName;
        foreach (var viewer in new[] { anonymous, member })
        {
            var seen = await Recognition.ActivityAsync(viewer, name);
            Assert.Equal(["Public question about exports"], seen.RecentPosts.Select(p => p.ThreadTitle));
            Assert.Equal(1, seen.Stats.Posts);
            Assert.Equal(1, seen.Stats.AcceptedAnswers);
            Assert.True(Assert.Single(seen.Answers).Accepted);
            Assert.Null(seen.Stats.TrustLevel);
        }
        foreach (var viewer in new[] { moderator, admin })
        {
            var seen = await Recognition.ActivityAsync(viewer, name);
            Assert.Contains(seen.RecentPosts, p => p.ThreadTitle == "Secret staff plans for pricing");
            Assert.Equal(2, seen.Stats.Posts);
            Assert.NotNull(seen.Stats.TrustLevel);
        }
        Assert.Equal(0, (await Recognition.ActivityAsync(member, member.Current!.UserName)).Stats.TrustLevel);
        // The lifecycle stage is for staff: the member never reads it on their own profile, staff get it with their timeline link.
        var memberName = member.Current!.UserName;
        Assert.Null((await Recognition.ActivityAsync(member, memberName)).Stats.Stage);
        var forStaff = await Eventually.ValueAsync(() => Recognition.ActivityAsync(admin, memberName), a => a.Stats.Stage is not null);
        Assert.Equal("/admin/members/" + memberName, forStaff.Stats.TimelineUrl);
        await Visits.DaysAsync(factory, member, 2);
        var mine = await Recognition.LevelAsync(member, 1);
        Assert.Equal(2, mine.Stats.DaysVisited);
        await ApiClient.ProblemAsync(await anonymous.GetAsync("/api/members/nobody-by-this-name/activity"), HttpStatusCode.NotFound);
    }
}
