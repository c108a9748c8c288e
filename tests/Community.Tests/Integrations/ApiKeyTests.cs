using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Referrals;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Integrations;

/// <summary>Scoped integration keys: what a key may call, its last use, and revocation on every server.</summary>
public sealed class ApiKeyTests
{
    private static async Task<CreatedApiKey> KeyAsync(CommunityFactory factory, params string[] scopes)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Community.Web.Data.CommunityDb>();
        return await scope.ServiceProvider.GetRequiredService<ApiKeys>().CreateAsync(db, "Integration", scopes, CancellationToken.None);
    }

    private static HttpClient Bearer(CommunityFactory factory, string secret)
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    [Fact]
    public async Task The_events_api_needs_a_key_holding_events_write()
    {
        await using var factory = new CommunityFactory();
        var reader = await KeyAsync(factory, ApiScopes.MembersRead);
        var writer = await KeyAsync(factory, ApiScopes.EventsWrite);
        using var http = factory.CreateClient();
        var body = new { id = "evt_1", type = "signup", customer = new { externalId = "cus_1" } };

        var refused = await factory.PostEventAsync(http, new ApiKey(reader.Id, reader.Secret), body);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("events:write", (await ApiClient.ProblemAsync(refused, HttpStatusCode.Forbidden)).Detail);
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(http, new ApiKey(writer.Id, writer.Secret), body)).StatusCode);
    }

    [Fact]
    public async Task Read_endpoints_answer_only_keys_with_their_scope_and_never_show_emails_or_hashes()
    {
        await using var factory = new ForumFactory();
        using var ana = await factory.MemberAsync("Scoped Ana", "Admin");
        var hidden = await Forum.CategoryAsync(ana, false, "Moderator");
        var open = await Forum.CategoryAsync(ana);
        var secret = await Forum.ThreadAsync(ana, hidden.Id, "Staff only plans");
        var visible = await Forum.ThreadAsync(ana, open.Id, "Public question");
        var members = await KeyAsync(factory, ApiScopes.MembersRead);
        var forums = await KeyAsync(factory, ApiScopes.ForumsRead, ApiScopes.ReferralsRead);

        using (var anonymous = factory.CreateClient())
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/members")).StatusCode);
        using var forumsClient = Bearer(factory, forums.Secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await forumsClient.GetAsync("/api/v1/members")).StatusCode);
        using var membersClient = Bearer(factory, members.Secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await membersClient.GetAsync("/api/v1/threads")).StatusCode);

        var json = await (await membersClient.GetAsync("/api/v1/members")).Content.ReadAsStringAsync();
        Assert.Contains(ana.Current!.Id, json, StringComparison.Ordinal);
        Assert.DoesNotContain(ana.Current.Email, json, StringComparison.OrdinalIgnoreCase);
        foreach (var word in new[] { "email", "passwordHash", "securityStamp", "ipHash" })
            Assert.DoesNotContain(word, json, StringComparison.OrdinalIgnoreCase);

        // The product's plan and account filter the list (set here as IExternalMembers would).
        using var bob = await factory.MemberAsync("Scoped Bob");
        await factory.DbAsync(db => db.Users.Where(u => u.Id == bob.Current!.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Plan, "pro").SetProperty(m => m.AccountId, "acct_9").SetProperty(m => m.ExternalId, "usr_9")));
        var pro = await ApiClient.ReadAsync<JsonElement>(await membersClient.GetAsync("/api/v1/members?plan=pro&account=acct_9"));
        var only = Assert.Single(pro.GetProperty("items").EnumerateArray());
        Assert.Equal("usr_9", only.GetProperty("externalId").GetString());
        Assert.Empty((await ApiClient.ReadAsync<JsonElement>(await membersClient.GetAsync("/api/v1/members?plan=free"))).GetProperty("items")
            .EnumerateArray());

        var threads = await ApiClient.ReadAsync<JsonElement>(await forumsClient.GetAsync("/api/v1/threads"));
        var ids = threads.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).ToList();
        Assert.Contains(visible.Thread.Id, ids);
        Assert.DoesNotContain(secret.Thread.Id, ids);
        Assert.Equal(HttpStatusCode.OK, (await forumsClient.GetAsync("/api/v1/referrals")).StatusCode);
    }

    [Fact]
    public async Task Last_use_is_recorded_at_most_once_a_minute_and_shown_to_admins_with_the_scopes()
    {
        await using var factory = new CommunityFactory();
        var key = await KeyAsync(factory, ApiScopes.MembersRead);
        using var http = Bearer(factory, key.Secret);
        Task<DateTime?> LastUsed() => factory.DbAsync(db => db.Set<ReferralApiKey>().AsNoTracking().Where(k => k.Id == key.Id)
            .Select(k => k.LastUsedAt).SingleAsync());

        Assert.Null(await LastUsed());
        var first = factory.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/members")).StatusCode);
        Assert.Equal(first, await Eventually.ValueAsync(LastUsed, t => t is not null));

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/members")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(31));
        var third = factory.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/members")).StatusCode);
        // The second call (30 s after the first) wrote nothing; the third (61 s after) did.
        Assert.Equal(third, await Eventually.ValueAsync(LastUsed, t => t != first));

        using var admin = await factory.MemberAsync("Keys Admin", "Admin");
        var listed = (await ApiClient.ReadAsync<JsonElement>(await admin.GetAsync("/api/admin/referrals/keys"))).EnumerateArray()
            .Single(k => k.GetProperty("id").GetString() == key.Id);
        Assert.Equal([ApiScopes.MembersRead], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(third, listed.GetProperty("lastUsedAt").GetDateTime());
        Assert.False(listed.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task Revoking_a_key_stops_it_at_once_for_bearer_and_signed_calls()
    {
        await using var factory = new CommunityFactory();
        var key = await KeyAsync(factory, ApiScopes.MembersRead, ApiScopes.EventsWrite);
        using var http = Bearer(factory, key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/members")).StatusCode); // now cached
        var body = new { id = "evt_r", type = "signup", customer = new { externalId = "cus_r" } };
        Assert.Equal(HttpStatusCode.OK, (await factory.PostEventAsync(http, new ApiKey(key.Id, key.Secret), body)).StatusCode);

        using var admin = await factory.MemberAsync("Revoking Admin", "Admin");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/referrals/keys/{key.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/members")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.PostEventAsync(http, new ApiKey(key.Id, key.Secret), body)).StatusCode);
    }

    [PostgresFact]
    public async Task A_key_revoked_on_one_server_is_refused_by_another_within_a_second()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresForumFactory(database.ConnectionString);
        await using var b = new PostgresForumFactory(database.ConnectionString);
        using var admin = await a.MemberAsync("Across Keys Admin", "Admin");
        var key = await KeyAsync(a, ApiScopes.MembersRead);
        using var onB = Bearer(b, key.Secret);
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/v1/members")).StatusCode); // B caches the key
        // Should B's listener still be connecting, it drops every cached key once it listens: either way B forgets the key.

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/referrals/keys/{key.Id}")).StatusCode);
        var revokedAt = Stopwatch.StartNew();
        var status = await Eventually.ValueAsync(async () => (await onB.GetAsync("/api/v1/members")).StatusCode,
            s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(1), $"took {revokedAt.Elapsed.TotalMilliseconds} ms");
    }
}
