using Community.Tests.Forums;
using Community.Tests.Forums.Ideas;
using Community.Tests.Infrastructure;
using Community.Tests.Publishing;
using Community.Web.Data;
using Community.Web.Features.Recognition;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Recognition;

public sealed class BadgeTests(RecognitionFactory factory) : IClassFixture<RecognitionFactory>
{
    [Fact]
    public async Task First_post_earns_a_badge_and_a_notification()
    {
        using var admin = await factory.MemberAsync("Badge Admin", "Admin");
        using var member = await factory.MemberAsync("First Poster");
        var category = await Forum.CategoryAsync(admin);
        Assert.Empty((await Recognition.ActivityAsync(member, member.Current!.UserName)).Badges);
        await Forum.ThreadAsync(member, category.Id, "My very first thread");

        var activity = await Recognition.BadgeAsync(member, member.Current!.UserName, BadgeCatalog.FirstPost);
        var earned = Assert.Single(activity.Badges);
        Assert.Equal("First post", earned.Name);
        Assert.Equal(factory.Clock.GetUtcNow().UtcDateTime.Date, earned.EarnedAt.Date);
        var note = Assert.Single((await Recognition.NotesAsync(member)).Items, n => n.Kind == "badge");
        Assert.Equal("You earned the badge “First post”", note.Text);
        Assert.Equal($"/u/{member.Current.UserName}", note.Url);
    }

    [Fact]
    public async Task Accepted_answers_earn_first_answer_then_helpful_at_ten()
    {
        using var admin = await factory.MemberAsync("Answer Admin", "Admin");
        using var asker = await factory.MemberAsync("Answer Asker");
        using var helper = await factory.MemberAsync("Answer Helper");
        var category = await Forum.CategoryAsync(admin, qa: true);
        for (var i = 1; i <= BadgeRules.HelpfulAnswers; i++)
        {
            var thread = await Forum.ThreadAsync(asker, category.Id, $"Question number {i}");
            var reply = await Forum.ReplyAsync(helper, thread.Thread.Id, "Try turning it off and on.");
            Assert.Equal(HttpStatusCode.OK, (await asker.PostAsync($"/api/threads/{thread.Thread.Id}/accept", new { seq = reply.Seq })).StatusCode);
            if (i == 1)
            {
                var first = await Recognition.BadgeAsync(helper, helper.Current!.UserName, BadgeCatalog.FirstAnswer);
                Assert.DoesNotContain(first.Badges, b => b.Key == BadgeCatalog.Helpful);
            }
        }
        var activity = await Recognition.BadgeAsync(helper, helper.Current!.UserName, BadgeCatalog.Helpful);
        Assert.Equal(BadgeRules.HelpfulAnswers, activity.Stats.AcceptedAnswers);
        // Accepting one's own reply earns nothing.
        Assert.DoesNotContain((await Recognition.ActivityAsync(asker, asker.Current!.UserName)).Badges, b => b.Key == BadgeCatalog.FirstAnswer);
    }

    [Fact]
    public async Task Welcomer_needs_first_replies_to_ten_new_members_first_threads()
    {
        using var admin = await factory.MemberAsync("Welcome Admin", "Admin");
        using var welcomer = await factory.MemberAsync("Welcome Host");
        var category = await Forum.CategoryAsync(admin);
        // A second thread of a member is not a newcomer's thread, and a reply after someone else's is not the first.
        await Forum.ThreadAsync(admin, category.Id, "Admin's first thread");
        var regular = await Forum.ThreadAsync(admin, category.Id, "Admin's second thread");
        await Forum.ReplyAsync(welcomer, regular.Thread.Id, "Not a welcome");
        for (var i = 0; i < BadgeRules.WelcomedThreads; i++)
        {
            using var newcomer = await factory.MemberAsync($"Newcomer {i}");
            var first = await Forum.ThreadAsync(newcomer, category.Id, $"Hello, I am new {i}");
            if (i == 0) await Forum.ReplyAsync(admin, first.Thread.Id, "The admin got here first");
            await Forum.ReplyAsync(welcomer, first.Thread.Id, "Welcome!");
        }
        await Recognition.PassAsync(factory);
        Assert.DoesNotContain((await Recognition.ActivityAsync(welcomer, welcomer.Current!.UserName)).Badges, b => b.Key == BadgeCatalog.Welcomer);

        using var last = await factory.MemberAsync("Newcomer last");
        var tenth = await Forum.ThreadAsync(last, category.Id, "Hello from the tenth newcomer");
        await Forum.ReplyAsync(welcomer, tenth.Thread.Id, "Welcome too!");
        await Recognition.BadgeAsync(welcomer, welcomer.Current!.UserName, BadgeCatalog.Welcomer);
    }

    [Fact]
    public async Task Shipped_idea_earns_its_author_a_badge()
    {
        using var admin = await factory.MemberAsync("Idea Badge Admin", "Admin");
        using var author = await factory.MemberAsync("Idea Badge Author");
        var category = await Ideas.CategoryAsync(admin);
        var idea = await Ideas.PostAsync(author, category.Id, "Export to spreadsheet");
        await Ideas.StatusAsync(admin, idea, "planned");
        await Recognition.PassAsync(factory);
        Assert.DoesNotContain((await Recognition.ActivityAsync(author, author.Current!.UserName)).Badges, b => b.Key == BadgeCatalog.IdeaShipped);
        await Ideas.StatusAsync(admin, idea, "shipped");
        await Recognition.BadgeAsync(author, author.Current!.UserName, BadgeCatalog.IdeaShipped);
    }

    [Fact]
    public async Task Converted_referral_earns_advocate_in_the_daily_pass()
    {
        using var advocate = await factory.MemberAsync("Badge Advocate");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var now = factory.Clock.GetUtcNow().UtcDateTime;
            var code = new ReferralCode { Code = "BADGE" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), OwnerId = advocate.Current!.Id };
            db.Add(code);
            await db.SaveChangesAsync();
            db.Add(new Referral { CodeId = code.Id, AdvocateId = advocate.Current!.Id, Source = "api", CreatedAt = now, ConvertedAt = now });
            await db.SaveChangesAsync();
        }
        await Recognition.PassAsync(factory);
        await Recognition.BadgeAsync(advocate, advocate.Current!.UserName, BadgeCatalog.Advocate);
    }

    [Fact]
    public async Task Being_featured_in_a_story_that_goes_live_earns_spotlighted()
    {
        using var marketer = await factory.MemberAsync("Spotlight Marketer", "Marketing");
        using var member = await factory.MemberAsync("Spotlight Member");
        var handle = member.Current!.UserName;
        var story = await ApiClient.ReadAsync<StoryResult>(await marketer.PostAsync("/api/stories", new
        {
            kind = "spotlight", slug = "spotlight-badge-" + Guid.NewGuid().ToString("N")[..8], title = "How Acme's admin runs the forum",
            customer = "Acme Ltd", summary = "Acme's team on what changed.", body = "A story about **results**.", personName = "Pat Doe",
            personRole = "CTO", quote = "It just works.", featuredMember = handle,
        }), HttpStatusCode.Created);
        await Recognition.PassAsync(factory);
        Assert.DoesNotContain((await Recognition.ActivityAsync(member, handle)).Badges, b => b.Key == BadgeCatalog.Spotlighted); // a draft
        Assert.Equal(HttpStatusCode.OK, (await marketer.PostAsync($"/api/stories/{story.Id}/publish", new { })).StatusCode);
        await Recognition.BadgeAsync(member, handle, BadgeCatalog.Spotlighted); // reported when it went live, no daily pass needed
    }

    [Fact]
    public async Task One_year_badge_comes_with_the_daily_pass_a_year_after_joining()
    {
        using var member = await factory.MemberAsync("Anniversary Member");
        await Recognition.PassAsync(factory);
        Assert.Equal(0, await Recognition.GrantsAsync(factory, member.Current!.Id, BadgeCatalog.Anniversary));
        factory.Clock.Advance(TimeSpan.FromDays(366));
        await Recognition.PassAsync(factory);
        Assert.Equal(1, await Recognition.GrantsAsync(factory, member.Current!.Id, BadgeCatalog.Anniversary));
    }

    [Fact]
    public async Task Twenty_concurrent_triggers_grant_once_and_notify_once()
    {
        using var admin = await factory.MemberAsync("Race Admin", "Admin");
        using var member = await factory.MemberAsync("Race Member");
        var category = await Forum.CategoryAsync(admin);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // The listener granted it; taken back, so the twenty below race for it on the committed post.
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            await Forum.ThreadAsync(member, category.Id, "A thread worth a badge");
            await Recognition.BadgeAsync(member, member.Current!.UserName, BadgeCatalog.FirstPost);
            await db.Set<MemberBadge>().Where(b => b.MemberId == member.Current!.Id).ExecuteDeleteAsync();
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "ForumNotifications" WHERE "MemberId" = {member.Current!.Id}""");
        }
        var id = member.Current!.Id;
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<BadgeRules>().ApplyAsync([id], CancellationToken.None);
        }));
        Assert.Equal(1, results.Sum());
        Assert.Equal(1, await Recognition.GrantsAsync(factory, id, BadgeCatalog.FirstPost));
        Assert.Single((await Recognition.NotesAsync(member)).Items, n => n.Kind == "badge");
    }
}
