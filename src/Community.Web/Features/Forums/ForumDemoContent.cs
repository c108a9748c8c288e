using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Demo;

namespace Community.Web.Features.Forums;

/// <summary>Demo categories and threads about a SaaS product, seeded through the same use cases the API uses.</summary>
internal sealed class ForumDemoContent(CommunityDb db, ForumReader reader, StartThread.Handler start, ReplyToThread.Handler reply,
    AcceptAnswer.Handler accept, UpdateThread.Handler update, React.Handler react) : IDemoContent
{
    public int Order => 10;

    public async Task SeedAsync(DemoMembers members, CancellationToken ct)
    {
        var categories = new[]
        {
            new ForumCategory { Slug = "announcements", Name = "Announcements", Description = "Product news and release notes from the team.",
                Position = 1 },
            new ForumCategory { Slug = "questions", Name = "Questions & Answers",
                Description = "Ask how to do something; mark the reply that solved it.", Position = 2, IsQa = true },
            new ForumCategory { Slug = "ideas", Name = "Ideas", Description = "Suggest features and vote for the ones you need most.", Position = 3,
                Kind = CategoryKinds.Ideas },
            new ForumCategory { Slug = "show-and-tell", Name = "Show and tell",
                Description = "Dashboards, automations and integrations you are proud of.", Position = 4 },
            new ForumCategory { Slug = "staff-lounge", Name = "Staff lounge", Description = "Moderators and admins only.", Position = 5,
                ReadRoles = "Moderator,Admin" },
        };
        db.AddRange(categories);
        await db.SaveChangesAsync(ct);
        reader.CategoriesChanged();
        var id = categories.ToDictionary(c => c.Slug, c => c.Id);

        ForumViewer As(string key)
        {
            var roles = new HashSet<string>(StringComparer.Ordinal) { Roles.Member };
            if (key == "admin") roles.Add(Roles.Admin);
            if (key == "moderator") roles.Add(Roles.Moderator);
            // Demo seeding runs as staff so rate limits do not apply.
            roles.Add(Roles.Moderator);
            return new ForumViewer(members[key].Id, roles);
        }

        async Task<long> Thread(string who, string category, string title, string body, params (string Who, string Body)[] replies)
        {
            var created = Done<CreatedThread>((await start.HandleAsync(As(who), new CreateThreadRequest(id[category], title, body), ct)).Result);
            foreach (var (replier, text) in replies) Done<PostDto>((await reply.HandleAsync(As(replier), created.Thread.Id,
                new PostBodyRequest(text), ct)).Result);
            return created.Thread.Id;
        }

        var release = await Thread("admin", "announcements", "Release 4.2: scheduled exports and a faster dashboard",
            "We shipped **4.2** today:\n\n- Scheduled CSV and Parquet exports\n- Dashboards load about 2× faster on large workspaces\n"
            + "- Webhook retries are now visible in *Settings → Integrations*\n\nFull notes are in the changelog. Tell us what you think below!",
            ("chloe", "The dashboard speed-up is very noticeable on our 40-widget board. Thank you!"),
            ("dev", "Webhook retry visibility is exactly what we needed. Is there an API for the retry log too?"),
            ("admin", "@dev not yet — it is on the roadmap for 4.3."));
        var question = await Thread("ben", "questions", "How do I rotate an API key without downtime?",
            "We call the API from three services. If I regenerate the key, everything breaks until I redeploy. "
            + "Is there a way to have two keys active at once?",
            ("ana", "You can create a **second key** under *Settings → API keys*, roll it out, then revoke the old one. "
                + "Both stay valid until you revoke."),
            ("dev", "Same as Ana said. We keep the key in a secret store and restart services one by one:\n\n"
                + "```bash\nkubectl rollout restart deploy/api-worker\n```"),
            ("ben", "That worked, thanks both — zero errors during the switch."));
        Done<ThreadDto>((await accept.HandleAsync(As("ben"), question, 2, ct)).Result);
        await Thread("chloe", "questions", "Filtering a dashboard by fiscal quarter?",
            "Our fiscal year starts in April. Is there a way to make the date filter understand *fiscal* quarters?",
            ("moderator", "Not built in yet, but a custom date dimension works. There is an idea thread for native support — add a 👍 there!"));
        var idea = await Thread("ana", "ideas", "Dark mode for embedded dashboards",
            "We embed dashboards in our internal portal, which is dark. A `theme=dark` embed parameter would make them blend in.",
            ("chloe", "+1, our NOC screens are dark too."),
            ("ben", "Would love this. Bonus points for following `prefers-color-scheme`."));
        await Thread("dev", "show-and-tell", "Our Slack alert bot built on webhooks",
            "Small write-up of how we pipe threshold alerts into Slack:\n\n1. Webhook on *metric crossed threshold*\n"
            + "2. A 40-line worker that formats the payload\n3. Slack incoming webhook\n\n"
            + "| Step | Latency |\n| --- | --- |\n| Webhook | ~200 ms |\n| Worker | ~30 ms |\n\nHappy to share the code.",
            ("ana", "This is great. Do you batch alerts when many fire at once?"),
            ("dev", "Yes — a 10-second window per channel, otherwise an outage turns into 300 messages."));
        await Thread("marketer", "show-and-tell", "Share your dashboard for our customer story series",
            "We are featuring customer dashboards in the next newsletter. Reply with a screenshot and a sentence about what it helps you decide.",
            ("chloe", "Our weekly revenue-retention board might be a fit — I will post it on Friday."));
        await Thread("moderator", "staff-lounge", "Moderation notes for the release week",
            "Expect more questions about exports this week. Please link the changelog rather than re-explaining.",
            ("admin", "Agreed. I pinned the release thread."));
        Done<ThreadDto>((await update.HandleAsync(As("admin"), release, new ThreadPatchRequest(null, null, true, null, "Release announcement"),
            ct)).Result);

        var firstReply = db.Set<ForumPost>().Where(p => p.ThreadId == question && p.Seq == 2).Select(p => p.Id).First();
        foreach (var who in new[] { "ben", "chloe", "dev" }) await ReactAsync(who, firstReply, "like");
        var ideaPost = db.Set<ForumPost>().Where(p => p.ThreadId == idea && p.Seq == 1).Select(p => p.Id).First();
        foreach (var who in new[] { "ben", "chloe", "dev", "marketer" }) await ReactAsync(who, ideaPost, "like");
        await ReactAsync("moderator", ideaPost, "heart");

        async Task ReactAsync(string who, long postId, string kind) => Done<PostDto>((await react.HandleAsync(As(who), postId, kind, add: true,
            ct)).Result);
    }

    /// <summary>The value of a use case that must succeed: seeding stops on any refusal.</summary>
    private static T Done<T>(IResult result) => result is IValueHttpResult<T> { Value: { } value }
        ? value
        : throw new InvalidOperationException("Demo seeding was refused: "
            + ((result as ProblemHttpResult)?.ProblemDetails.Detail ?? result.GetType().Name));
}
