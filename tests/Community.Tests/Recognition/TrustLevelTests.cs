using System.Text.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Recognition;

/// <summary>Trust levels here: 1 after visits on 2 days, 2 after 3, 3 after 4 (see <see cref="TrustFactory"/>).</summary>
public sealed class TrustLevelTests(TrustFactory factory) : IClassFixture<TrustFactory>
{
    private Task VisitDaysAsync(ApiClient member, int days) => Visits.DaysAsync(factory, member, days);

    [Fact]
    public async Task Posting_limit_follows_the_trust_level()
    {
        using var admin = await factory.MemberAsync("Trust Limit Admin", "Admin");
        using var member = await factory.MemberAsync("Trust Limit Member");
        var category = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(member, category.Id, "Three posts a minute");
        await Forum.ReplyAsync(member, thread.Thread.Id, "two");
        await Forum.ReplyAsync(member, thread.Thread.Id, "three");
        var limited = await member.PostAsync($"/api/threads/{thread.Thread.Id}/posts", new { body = "four" });
        await ApiClient.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);

        await VisitDaysAsync(member, 2);
        await Recognition.LevelAsync(member, 1);
        for (var i = 0; i < 5; i++) await Forum.ReplyAsync(member, thread.Thread.Id, $"established {i}");
    }

    [Fact]
    public async Task A_level_3_flag_hides_the_post_pending_review_and_a_lower_flag_does_not()
    {
        using var admin = await factory.MemberAsync("Trust Flag Admin", "Admin");
        using var author = await factory.MemberAsync("Trust Flag Author");
        using var newcomer = await factory.MemberAsync("Trust Flag Newcomer");
        using var leader = await factory.MemberAsync("Trust Flag Leader");
        var category = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(admin, category.Id, "Flag weights");
        var post = await Forum.ReplyAsync(author, thread.Thread.Id, "Buy cheap watches");
        Assert.Equal(HttpStatusCode.Created, (await newcomer.PostAsync($"/api/posts/{post.Id}/flags", new { reason = "spam" })).StatusCode);
        Assert.False((await Forum.WindowAsync(newcomer, thread.Thread.Id)).Posts.Single(p => p.Id == post.Id).Hidden);

        await VisitDaysAsync(leader, 4);
        await Recognition.LevelAsync(leader, 3);
        Assert.Equal(HttpStatusCode.Created, (await leader.PostAsync($"/api/posts/{post.Id}/flags", new { reason = "spam, clearly" })).StatusCode);
        var seen = (await Forum.WindowAsync(newcomer, thread.Thread.Id)).Posts.Single(p => p.Id == post.Id);
        Assert.True(seen.Hidden);
        Assert.DoesNotContain("watches", seen.Html, StringComparison.Ordinal);
        // Pending review: both flags stay open in the moderators' queue.
        var queue = await ApiClient.ReadAsync<List<JsonElement>>(await admin.GetAsync("/api/mod/flags"));
        Assert.Equal(2, queue.Count(f => f.GetProperty("postId").GetInt64() == post.Id));
    }

    [Fact]
    public async Task Flags_against_a_member_take_their_level_away_in_the_daily_pass()
    {
        using var admin = await factory.MemberAsync("Trust Flagged Admin", "Admin");
        using var member = await factory.MemberAsync("Trust Flagged Member");
        var category = await Forum.CategoryAsync(admin);
        await VisitDaysAsync(member, 2);
        await Recognition.LevelAsync(member, 1);
        var thread = await Forum.ThreadAsync(admin, category.Id, "Where the flags land");
        var post = await Forum.ReplyAsync(member, thread.Thread.Id, "Rude words");
        for (var i = 0; i < 4; i++)
        {
            using var flagger = await factory.MemberAsync($"Trust Flagger {i}");
            await flagger.PostAsync($"/api/posts/{post.Id}/flags", new { reason = "rude" });
        }
        await Recognition.PassAsync(factory);
        await Recognition.LevelAsync(member, 0);
    }
}

/// <summary>The link gate, where the posting limit is out of the way (refused posts count against it too).</summary>
public sealed class LinkGateTests(RecognitionFactory factory) : IClassFixture<RecognitionFactory>
{
    private Task VisitDaysAsync(ApiClient member, int days) => Visits.DaysAsync(factory, member, days);

    [Fact]
    public async Task Level_0_cannot_post_links_or_images_and_level_1_can()
    {
        using var admin = await factory.MemberAsync("Trust Link Admin", "Admin");
        using var fresh = await factory.MemberAsync("Trust Link Fresh");
        var category = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(admin, category.Id, "Links welcome here");
        Assert.Equal(0, (await Recognition.ActivityAsync(fresh, fresh.Current!.UserName)).Stats.TrustLevel);

        foreach (var body in new[] { "Look at [my site](https://spam.example.com)", "www.spam.example.com", "<https://spam.example.com>",
            "![pic](/media/cat.png)" })
        {
            var refused = await ApiClient.ProblemAsync(await fresh.PostAsync($"/api/threads/{thread.Thread.Id}/posts", new { body }),
                HttpStatusCode.BadRequest);
            Assert.Contains("trust level 1", refused.Errors!["body"].Single(), StringComparison.Ordinal);
        }
        // A link the sanitiser removes is not a link; nor is a mention; and text about links is only text.
        await Forum.ReplyAsync(fresh, thread.Thread.Id,
            "[click](javascript:alert(1)) and `https://example.com` in code, hi @" + admin.Current!.UserName);
        await ApiClient.ProblemAsync(await fresh.PostAsync("/api/threads", new { categoryId = category.Id, title = "Linky thread",
            body = "[x](https://example.com)" }), HttpStatusCode.BadRequest);

        await VisitDaysAsync(fresh, 2);
        await Recognition.LevelAsync(fresh, 1);
        var linked = await Forum.ReplyAsync(fresh, thread.Thread.Id, "Look at [the docs](https://docs.example.com)");
        Assert.Contains("href=\"https://docs.example.com\"", linked.Html, StringComparison.Ordinal);
        // Staff are never gated.
        using var moderator = await factory.MemberAsync("Trust Link Moderator", "Moderator");
        await Forum.ReplyAsync(moderator, thread.Thread.Id, "Official [link](https://example.com/official)");
    }
}
