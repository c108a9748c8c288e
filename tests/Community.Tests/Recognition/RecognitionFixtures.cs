using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Recognition;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Recognition;

/// <summary>The forum factory (high posting limits) without the background daily pass (tests run the pass themselves), and with low
/// trust thresholds reached by visiting on several days (the clock moves): level 1 after 2 days, 2 after 3, 3 after 4.</summary>
public class RecognitionFactory : ForumFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Trust:DailyPass"] = "false";
        foreach (var (level, days) in new[] { (1, 2), (2, 3), (3, 4) })
        {
            settings[$"Trust:Level{level}:DaysVisited"] = days.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"Trust:Level{level}:PostsRead"] = "0";
            settings[$"Trust:Level{level}:Replies"] = "0";
            settings[$"Trust:Level{level}:MaxFlagsAgainst"] = "3";
        }
        return settings;
    }
}

/// <summary>Strict posting limits for level 0 (3 a minute).</summary>
public sealed class TrustFactory : RecognitionFactory
{
    protected override IDictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Forums:PostsPerMinute"] = "1000";
        settings["Forums:NewMemberPostsPerMinute"] = "3";
        return settings;
    }
}

public static class Visits
{
    /// <summary>Visits on <paramref name="days"/> days in all (today's counts): each next day the clock moves and the member makes a
    /// request.</summary>
    public static async Task DaysAsync(CommunityFactory factory, ApiClient member, int days)
    {
        await member.GetAsync("/api/notifications");
        for (var i = 1; i < days; i++)
        {
            factory.Clock.Advance(TimeSpan.FromDays(1));
            await member.GetAsync("/api/notifications");
        }
    }
}

public sealed record EarnedView(string Key, string Name, string Description, DateTime EarnedAt, bool Manual);
public sealed record StatsView(int Posts, int AcceptedAnswers, int DaysVisited, int? TrustLevel, string? Stage = null, string? TimelineUrl = null);
public sealed record MemberPostView(long PostId, string ThreadTitle, string Url, DateTime CreatedAt, string Excerpt, bool Accepted);
public sealed record ActivityView(string UserName, string? Title, List<EarnedView> Badges, StatsView Stats, List<MemberPostView> RecentPosts,
    List<MemberPostView> Answers);
public sealed record NoteView(long Id, string Kind, string Text, string Url, DateTime CreatedAt, bool Read);
public sealed record NoteListView(int Unread, List<NoteView> Items);

public static class Recognition
{
    public static async Task<ActivityView> ActivityAsync(ApiClient viewer, string userName) =>
        await ApiClient.ReadAsync<ActivityView>(await viewer.GetAsync($"/api/members/{Uri.EscapeDataString(userName)}/activity"));

    /// <summary>Waits until the member's profile shows the badge (granted in the background, a moment after the activity).</summary>
    public static Task<ActivityView> BadgeAsync(ApiClient viewer, string userName, string key) =>
        Eventually.ValueAsync(() => ActivityAsync(viewer, userName), a => a.Badges.Any(b => b.Key == key));

    public static async Task<NoteListView> NotesAsync(ApiClient member) =>
        await ApiClient.ReadAsync<NoteListView>(await member.GetAsync("/api/notifications"));

    public static async Task<int> GrantsAsync(CommunityFactory factory, string memberId, string? badge = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        return await db.Set<MemberBadge>().CountAsync(b => b.MemberId == memberId && (badge == null || b.Badge == badge));
    }

    public static async Task PassAsync(CommunityFactory factory) =>
        await factory.Services.GetRequiredService<RecognitionPass>().RunAsync(CancellationToken.None);

    /// <summary>Waits until the member's level (as they see it on their profile) is <paramref name="level"/>.</summary>
    public static Task<ActivityView> LevelAsync(ApiClient member, int level) =>
        Eventually.ValueAsync(() => ActivityAsync(member, member.Current!.UserName), a => a.Stats.TrustLevel == level);
}
