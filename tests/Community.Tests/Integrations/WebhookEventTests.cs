using System.Data.Common;
using System.Text.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Integrations.Webhooks;
using Community.Tests.Referrals;
using Community.Web.Data;
using Community.Web.Features.Integrations;
using Community.Web.Features.Publishing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Community.Tests.Integrations;

/// <summary>Each feature writes its webhook event in the same transaction as its change: one row per action, none if it fails.</summary>
public sealed class WebhookEventTests
{
    private static readonly string[] Forbidden = ["password", "securityStamp", "ipHash", "deviceId"];

    /// <summary>Fails commands whose text contains <see cref="Match"/> while armed (not a unique violation).</summary>
    private sealed class FailingCommands : DbCommandInterceptor
    {
        public volatile string? Match;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Fail(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        private void Fail(DbCommand command)
        {
            if (Match is { } match && command.CommandText.Contains(match, StringComparison.Ordinal))
                throw new SqliteException("SQLite Error 19: 'FOREIGN KEY constraint failed'.", 19);
        }
    }

    private sealed class Factory : ForumFactory
    {
        public FailingCommands Failures { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.ConfigureDbContext<CommunityDb>(o => o.AddInterceptors(Failures)));
        }

        protected override IHost CreateHost(IHostBuilder builder)
        {
            var host = base.CreateHost(builder);
            WebhookKit.SubscribeEverything(host.Services); // events are recorded only for a subscribed endpoint
            return host;
        }
    }

    private static async Task<List<(WebhookEvent Row, JsonElement Data)>> EventsAsync(CommunityFactory factory, string type) =>
        [.. (await factory.DbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => e.Type == type).ToListAsync()))
            .Select(e => (e, JsonDocument.Parse(e.Data).RootElement.Clone()))];

    private static async Task<(WebhookEvent Row, JsonElement Data)> OneAsync(CommunityFactory factory, string type, string property, string value)
    {
        var matching = (await EventsAsync(factory, type)).Where(e => e.Data.TryGetProperty(property, out var p) && p.ToString() == value).ToList();
        var only = Assert.Single(matching);
        Assert.All(Forbidden, word => Assert.DoesNotContain(word, only.Row.Data, StringComparison.OrdinalIgnoreCase));
        return only;
    }

    [Fact]
    public async Task Joining_and_editing_a_profile_write_member_created_and_member_updated()
    {
        await using var factory = new Factory();
        using var ana = factory.CreateApiClient();
        var me = await ana.JoinAsync("Webhook Ana");
        var created = await OneAsync(factory, WebhookTypes.MemberCreated, "memberId", me.Id);
        Assert.Equal(me.UserName, created.Data.GetProperty("userName").GetString());
        Assert.StartsWith("http", created.Data.GetProperty("profileUrl").GetString(), StringComparison.Ordinal);

        await ApiClient.ReadAsync<JsonElement>(await ana.PutAsync("/api/me", new { displayName = "Ana Renamed", bio = "Hi" }));
        var updated = await OneAsync(factory, WebhookTypes.MemberUpdated, "memberId", me.Id);
        Assert.Equal("Ana Renamed", updated.Data.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Threads_replies_accepted_answers_and_flags_each_write_one_event_and_private_categories_are_flagged()
    {
        await using var factory = new Factory();
        using var admin = await factory.MemberAsync("Webhook Admin", "Admin");
        using var bob = await factory.MemberAsync("Webhook Bob");
        var qa = await Forum.CategoryAsync(admin, qa: true);
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");

        var thread = await Forum.ThreadAsync(admin, qa.Id, "Webhook question");
        var started = await OneAsync(factory, WebhookTypes.ThreadCreated, "threadId", thread.Thread.Id.ToString());
        Assert.False(started.Row.Private);
        Assert.Equal("Webhook question", started.Data.GetProperty("title").GetString());
        Assert.EndsWith(thread.Thread.Url, started.Data.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal(admin.Current!.Id, started.Data.GetProperty("author").GetProperty("memberId").GetString());

        var reply = await Forum.ReplyAsync(bob, thread.Thread.Id, "The **answer**");
        var posted = Assert.Single(await EventsAsync(factory, WebhookTypes.PostCreated));
        Assert.Equal(thread.Thread.Id, posted.Data.GetProperty("threadId").GetInt64());
        Assert.Equal(2, posted.Data.GetProperty("seq").GetInt32());
        Assert.EndsWith("#p2", posted.Data.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("The answer", posted.Data.GetProperty("excerpt").GetString());

        await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync($"/api/threads/{thread.Thread.Id}/accept", new { seq = 2 }));
        var accepted = await OneAsync(factory, WebhookTypes.AnswerAccepted, "postId", reply.Id.ToString());
        Assert.Equal(bob.Current!.Id, accepted.Data.GetProperty("answerAuthor").GetProperty("memberId").GetString());

        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsync($"/api/posts/{thread.Post.Id}/flags", new { reason = "off topic" })).StatusCode);
        var flag = await OneAsync(factory, WebhookTypes.FlagCreated, "postId", thread.Post.Id.ToString());
        Assert.Equal("off topic", flag.Data.GetProperty("reason").GetString());
        Assert.True(flag.Data.GetProperty("flagId").GetInt64() > 0);
        Assert.False(flag.Row.Private);

        var hidden = await Forum.ThreadAsync(admin, staff.Id, "Staff plans");
        Assert.True((await OneAsync(factory, WebhookTypes.ThreadCreated, "threadId", hidden.Thread.Id.ToString())).Row.Private);
        await Forum.ReplyAsync(admin, hidden.Thread.Id, "secret reply");
        Assert.True((await OneAsync(factory, WebhookTypes.PostCreated, "threadId", hidden.Thread.Id.ToString())).Row.Private);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync($"/api/posts/{hidden.Post.Id}/flags", new { reason = "check this" })).StatusCode);
        Assert.True((await OneAsync(factory, WebhookTypes.FlagCreated, "postId", hidden.Post.Id.ToString())).Row.Private);
    }

    [Fact]
    public async Task A_reply_whose_transaction_fails_after_the_event_was_written_leaves_no_event()
    {
        await using var factory = new Factory();
        using var admin = await factory.MemberAsync("Failing Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(admin, category.Id);

        // The read mark is written after the post and its event: failing it rolls back the whole reply.
        factory.Failures.Match = "INSERT INTO \"ForumThreadReads\"";
        Assert.Equal(HttpStatusCode.InternalServerError, (await admin.PostAsync($"/api/threads/{thread.Thread.Id}/posts", new { body = "lost" })).StatusCode);
        factory.Failures.Match = null;
        Assert.Empty(await EventsAsync(factory, WebhookTypes.PostCreated));

        await Forum.ReplyAsync(admin, thread.Thread.Id, "kept");
        Assert.Single(await EventsAsync(factory, WebhookTypes.PostCreated));
    }

    [Fact]
    public async Task Referral_sign_up_conversion_credits_reversal_and_redemption_each_write_their_event()
    {
        await using var factory = new Factory();
        using var advocate = await factory.MemberAsync("Hook Advocate");
        var code = await advocate.CodeAsync();
        using var friendClient = factory.CreateApiClient();
        var friend = await friendClient.JoinWithCodeAsync("Hook Friend", code);
        var key = await ReferralKit.CreateKeyAsync(factory);
        using var http = factory.CreateClient();

        var signedUp = await OneAsync(factory, WebhookTypes.ReferralSignedUp, "referredMemberId", friend.Id);
        Assert.Equal(advocate.Current!.Id, signedUp.Data.GetProperty("advocateId").GetString());
        Assert.DoesNotContain(friend.Email, signedUp.Row.Data, StringComparison.OrdinalIgnoreCase);
        var signupCredit = await OneAsync(factory, WebhookTypes.CreditGranted, "memberId", advocate.Current.Id);
        Assert.Equal(500, signupCredit.Data.GetProperty("amount").GetInt64());

        await factory.EventOkAsync(http, key, new { id = "pay_h1", type = "conversion", customer = new { email = friend.Email }, amount = 5000, currency = "USD" });
        await factory.EventOkAsync(http, key, new { id = "pay_h2", type = "conversion", customer = new { email = friend.Email }, amount = 5000, currency = "USD" });
        await factory.EventOkAsync(http, key, new { id = "pay_h1", type = "conversion", customer = new { email = friend.Email }, amount = 5000, currency = "USD" });
        var converted = Assert.Single(await EventsAsync(factory, WebhookTypes.ReferralConverted)); // the first payment only
        Assert.Equal("pay_h1", converted.Data.GetProperty("eventId").GetString());
        Assert.Equal(5000, converted.Data.GetProperty("amount").GetInt64());
        var conversionCredits = (await EventsAsync(factory, WebhookTypes.CreditGranted))
            .Where(e => e.Data.GetProperty("memberId").GetString() == advocate.Current.Id && e.Data.GetProperty("sourceEventId").GetString() == "pay_h1");
        Assert.Single(conversionCredits);

        await factory.EventOkAsync(http, key, new { id = "ref_h1", type = "refund", customer = new { email = friend.Email }, amount = 2500, conversionId = "pay_h1", currency = "USD" });
        var reversed = await OneAsync(factory, WebhookTypes.CreditReversed, "memberId", advocate.Current.Id);
        Assert.True(reversed.Data.GetProperty("amount").GetInt64() < 0);

        factory.Clock.Advance(TimeSpan.FromDays(31));
        // The subscribed endpoint's deliveries have failed for a month now: once the dispatcher has disabled it, enable it again.
        await Eventually.ValueAsync(() => factory.EndpointAsync(WebhookKit.EveryTypeEndpoint), e => !e.Enabled);
        WebhookKit.SubscribeEverything(factory.Services);
        await advocate.SignInAgainAsync();
        // A redemption whose transaction fails at its last write (the billing mail) leaves no event.
        factory.Failures.Match = "INSERT INTO \"OutboxMessages\"";
        Assert.Equal(HttpStatusCode.InternalServerError, (await advocate.PostAsync("/api/referrals/me/redeem", new { })).StatusCode);
        factory.Failures.Match = null;
        Assert.Empty(await EventsAsync(factory, WebhookTypes.CreditRedeemed));
        await ApiClient.ReadAsync<JsonElement>(await advocate.PostAsync("/api/referrals/me/redeem", new { }));
        var redeemed = await OneAsync(factory, WebhookTypes.CreditRedeemed, "memberId", advocate.Current.Id);
        Assert.True(redeemed.Data.GetProperty("amount").GetInt64() < 0);
    }

    [Fact]
    public async Task Publishing_a_story_now_or_on_schedule_writes_story_published_once()
    {
        await using var factory = new Factory();
        using var marketer = await factory.MemberAsync("Hook Marketer", "Marketing");
        async Task<int> StoryAsync(string slug)
        {
            var created = await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync("/api/stories", new
            {
                kind = "spotlight", slug, title = "Story " + slug, customer = "Acme Ltd", summary = "What changed.", body = "Body",
                personName = "Pat Doe", personRole = "CTO", quote = "It works.", industry = "Manufacturing", companySize = "51-200", productArea = "Analytics",
            }), HttpStatusCode.Created);
            return created.GetProperty("id").GetInt32();
        }

        var now = await StoryAsync("hook-now");
        await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync($"/api/stories/{now}/publish", new { }));
        await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync($"/api/stories/{now}/publish", new { })); // already published
        var published = await OneAsync(factory, WebhookTypes.StoryPublished, "storyId", now.ToString());
        Assert.EndsWith("/spotlights/hook-now", published.Data.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.False(published.Data.GetProperty("scheduled").GetBoolean());

        var later = await StoryAsync("hook-later");
        var at = factory.Clock.GetUtcNow().UtcDateTime.AddHours(1);
        await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync($"/api/stories/{later}/publish", new { publishAt = at }));
        Assert.DoesNotContain(await EventsAsync(factory, WebhookTypes.StoryPublished), e => e.Data.GetProperty("storyId").GetInt32() == later);
        factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await factory.Services.GetRequiredService<StoryScheduler>().PublishDueAsync(CancellationToken.None);
        Assert.True((await OneAsync(factory, WebhookTypes.StoryPublished, "storyId", later.ToString())).Data.GetProperty("scheduled").GetBoolean());
    }
}
