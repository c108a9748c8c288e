using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>Two servers on one PostgreSQL database count one allowance: a member cannot post faster by alternating servers.</summary>
public sealed class LimitsAcrossServersTests
{
    private sealed class StrictPostgresFactory(string connectionString, Dictionary<string, string?>? extra = null) : ForumFactory
    {
        protected override IDictionary<string, string?> Settings()
        {
            var settings = base.Settings();
            foreach (var (key, value) in extra ?? []) settings[key] = value;
            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = connectionString;
            settings["Forums:PostsPerMinute"] = "3";
            settings["Forums:NewMemberPostsPerMinute"] = "3";
            settings["Forums:FlagsPerHour"] = "1";
            return settings;
        }
    }

    [PostgresFact]
    public async Task Posting_and_flagging_limits_hold_for_a_member_who_alternates_between_servers()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new StrictPostgresFactory(database.ConnectionString);
        await using var b = new StrictPostgresFactory(database.ConnectionString);
        b.Clock.Advance(a.Clock.GetUtcNow() - b.Clock.GetUtcNow()); // one time on both, as servers with synchronised clocks
        using var admin = await a.MemberAsync("Limit Admin", "Admin");
        using var anaOnA = await a.MemberAsync("Limit Ana");
        using var anaOnB = b.CreateApiClient();
        await anaOnB.SignInAsync(anaOnA.Current!.Email);
        var category = await Forum.CategoryAsync(admin);

        var created = await Forum.ThreadAsync(anaOnA, category.Id); // 1 on A
        await Forum.ReplyAsync(anaOnB, created.Thread.Id, "two, on B"); // 2 on B
        await Forum.ReplyAsync(anaOnA, created.Thread.Id, "three, on A");
        // Each server alone has seen at most two posts; together they have seen the limit.
        var limited = await anaOnB.PostAsync($"/api/threads/{created.Thread.Id}/posts", new { body = "four, on B" });
        var problem = await ApiClient.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Contains("too fast", problem.Detail, StringComparison.Ordinal);
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(3, (await Forum.WindowAsync(anaOnA, created.Thread.Id)).LastSeq);

        // The next minute allows posting again, on either server.
        a.Clock.Advance(TimeSpan.FromMinutes(1));
        b.Clock.Advance(TimeSpan.FromMinutes(1));
        await Forum.ReplyAsync(anaOnB, created.Thread.Id, "a new minute");

        var other = await Forum.ThreadAsync(admin, category.Id);
        Assert.Equal(HttpStatusCode.Created, (await anaOnA.PostAsync($"/api/posts/{created.Post.Id}/flags", new { reason = "spam" })).StatusCode);
        var flagLimited = await anaOnB.PostAsync($"/api/posts/{other.Post.Id}/flags", new { reason = "spam" });
        await ApiClient.ProblemAsync(flagLimited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(flagLimited.Headers.RetryAfter);
    }

    [PostgresFact]
    public async Task Failed_sign_ins_and_auth_requests_are_counted_once_for_all_servers()
    {
        await using var database = await Databases.CreatePostgresAsync();
        var strict = new Dictionary<string, string?> { ["Accounts:FailedSignInsPerClient"] = "2", ["RateLimits:AuthPerWindow"] = "5",
            ["RateLimits:AuthWindowSeconds"] = "3600" };
        await using var a = new StrictPostgresFactory(database.ConnectionString, strict);
        await using var b = new StrictPostgresFactory(database.ConnectionString, strict);
        b.Clock.Advance(a.Clock.GetUtcNow() - b.Clock.GetUtcNow());
        using var onA = a.CreateApiClient();
        using var onB = b.CreateApiClient();
        object Wrong(string email) => new { email, password = "not-the-password-1" };

        // Two failures for one address, one on each server: the third try is refused whichever server it reaches.
        Assert.Equal(HttpStatusCode.Unauthorized, (await onA.PostAsync("/api/account/signin", Wrong("guess@example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.PostAsync("/api/account/signin", Wrong("guess@example.com"))).StatusCode);
        var throttled = await onA.PostAsync("/api/account/signin", Wrong("guess@example.com"));
        Assert.Contains("Too many failed sign-ins", (await ApiClient.ProblemAsync(throttled, HttpStatusCode.TooManyRequests)).Detail,
            StringComparison.Ordinal);
        Assert.NotNull(throttled.Headers.RetryAfter);

        // Five auth requests per window from this client in all: the third went to A; two more, then the sixth is refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await onB.PostAsync("/api/account/signin", Wrong("other@example.com"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onA.PostAsync("/api/account/signin", Wrong("third@example.com"))).StatusCode);
        var limited = await onB.PostAsync("/api/account/signin", Wrong("fourth@example.com"));
        Assert.Contains("Too many attempts", (await ApiClient.ProblemAsync(limited, HttpStatusCode.TooManyRequests)).Detail,
            StringComparison.Ordinal);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
    }
}
