using System.Diagnostics;
using System.Text.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Publishing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Community.Tests.Live;

/// <summary>
/// Two servers on one PostgreSQL database: whatever one server holds in memory (stories, the referral program and codes,
/// author cards, the media list) follows a change made on the other within a second.
/// </summary>
public sealed class CachesAcrossServersTests
{
    /// <summary>Reads on the other server until <paramref name="done"/>; the change must be visible there within one second.</summary>
    private static async Task<T> WithinASecondAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var watch = Stopwatch.StartNew();
        var value = await Eventually.ValueAsync(read, done, TimeSpan.FromSeconds(5));
        Assert.True(done(value), $"the other server still served the old value after {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed.TotalMilliseconds:F0} ms");
        return value;
    }

    private static object Spotlight(string slug, string? hero = null) => new
    {
        kind = "spotlight", slug, title = "Across servers " + slug, customer = "Acme Ltd", summary = "Acme's team on what changed.",
        body = "A story about **results**.", personName = "Pat Doe", personRole = "CTO", quote = "It just works.", industry = "Manufacturing",
        companySize = "51-200", productArea = "Analytics", heroImage = hero, heroAlt = hero is null ? null : "The Acme team",
    };

    private static string Unique(string stem) => $"{stem}-{Guid.NewGuid():N}"[..(stem.Length + 9)];

    [PostgresFact]
    public async Task A_story_published_on_one_server_is_served_by_the_other_within_a_second()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var marketer = await a.MemberAsync("Across Marketer", "Marketing");
        var visitorOnB = b.CreateClient();
        var slug = Unique("across");
        Assert.Equal(HttpStatusCode.OK, (await visitorOnB.GetAsync("/spotlights")).StatusCode); // B builds its catalog
        Assert.Equal(HttpStatusCode.NotFound, (await visitorOnB.GetAsync($"/spotlights/{slug}")).StatusCode);

        var story = await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync("/api/stories", Spotlight(slug)), HttpStatusCode.Created);
        await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync($"/api/stories/{story.GetProperty("id").GetInt32()}/publish", new { }));

        var status = await WithinASecondAsync(async () => (await visitorOnB.GetAsync($"/spotlights/{slug}")).StatusCode, s => s == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [PostgresFact]
    public async Task Program_and_code_changes_made_on_one_server_steer_the_other_servers_redirects_within_a_second()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        // Every member is made before B starts: B's mail dispatcher could otherwise deliver A's confirmation mail into B's folder.
        using var marketer = await a.MemberAsync("Across Campaigns", "Marketing");
        var campaign = await ApiClient.ReadAsync<JsonElement>(await marketer.PostAsync("/api/admin/referrals/campaigns",
            new { code = Unique("across"), campaignTag = "across" }), HttpStatusCode.Created);
        var code = campaign.GetProperty("code").GetString()!;
        var visitorOnB = b.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var first = await visitorOnB.GetAsync($"/r/{code}"); // B caches the program and the code
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        var landing = "https://example.com/" + Guid.NewGuid().ToString("N");
        var program = await ApiClient.ReadAsync<Dictionary<string, object?>>(await marketer.GetAsync("/api/admin/referrals/program"));
        program["landingUrl"] = landing;
        await ApiClient.ReadAsync<JsonElement>(await marketer.PutAsync("/api/admin/referrals/program", program));
        var moved = await WithinASecondAsync(() => visitorOnB.GetAsync($"/r/{code}"),
            r => r.Headers.Location?.ToString().StartsWith(landing, StringComparison.Ordinal) == true);
        Assert.StartsWith(landing, moved.Headers.Location!.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await marketer.PatchAsync($"/api/admin/referrals/campaigns/{campaign.GetProperty("id").GetInt64()}",
            new { disabled = true })).StatusCode);
        var disabled = await WithinASecondAsync(() => visitorOnB.GetAsync($"/r/{code}"), r => r.StatusCode == HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, disabled.StatusCode);
    }

    [PostgresFact]
    public async Task A_new_display_name_set_on_one_server_shows_in_the_other_servers_cached_thread_within_a_second()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Across Names Admin", "Admin");
        using var ana = await a.MemberAsync("Across Ana");
        var category = await Forum.CategoryAsync(admin);
        var thread = await Forum.ThreadAsync(admin, category.Id);
        await Forum.ReplyAsync(ana, thread.Thread.Id, "a reply by Ana");
        using var visitorOnB = b.CreateApiClient();
        Assert.Equal("Across Ana", (await Forum.WindowAsync(visitorOnB, thread.Thread.Id)).Posts[^1].Author.DisplayName); // cached on B

        Assert.Equal(HttpStatusCode.OK, (await ana.PutAsync("/api/me", new { displayName = "Ana Renamed" })).StatusCode);
        var window = await WithinASecondAsync(() => Forum.WindowAsync(visitorOnB, thread.Thread.Id),
            w => w.Posts[^1].Author.DisplayName == "Ana Renamed");
        Assert.Equal("Ana Renamed", window.Posts[^1].Author.DisplayName);
    }

    [PostgresFact]
    public async Task An_image_uploaded_on_one_server_can_be_used_in_a_story_on_the_other_within_a_second()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var marketer = await a.MemberAsync("Across Images", "Marketing");
        using var marketerOnB = b.CreateApiClient();
        await marketerOnB.SignInAsync(marketer.Current!.Email);
        // B loads its media list while saving a first story.
        await ApiClient.ReadAsync<JsonElement>(await marketerOnB.PostAsync("/api/stories", Spotlight(Unique("first"))), HttpStatusCode.Created);

        var upload = await marketer.SendAsync(HttpMethod.Post, "/api/media", StoryImages.Form(StoryImages.Png(400, 300), "team.png", "image/png"));
        var media = await ApiClient.ReadAsync<MediaResult>(upload, HttpStatusCode.Created);
        var saved = await WithinASecondAsync(() => marketerOnB.PostAsync("/api/stories", Spotlight(Unique("hero"), media.Id)),
            r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
    }
}
