using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Live;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Security;

/// <summary>Two servers sharing one PostgreSQL database: a session ended or downgraded on one is refused on the other at once.</summary>
public sealed class SessionEndPostgresTests
{
    private sealed class PostgresServer(string connectionString) : CommunityFactory
    {
        protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connectionString,
        };
    }

    // The announcement travels through PostgreSQL NOTIFY to the other server.
    private static Task<HttpStatusCode> EventuallyAsync(Func<Task<HttpResponseMessage>> call, HttpStatusCode wanted) =>
        Eventually.ValueAsync(async () => (await call()).StatusCode, status => status == wanted);

    [PostgresFact]
    public async Task A_role_removed_and_a_sign_out_everywhere_on_one_server_reach_sessions_on_another()
    {
        await using var database = await Databases.CreatePostgresAsync();
        await using var a = new PostgresServer(database.ConnectionString);
        await using var b = new PostgresServer(database.ConnectionString);
        using var admin = await a.MemberAsync("Admin Across", "Admin");
        using var moderator = await a.MemberAsync("Mod Across", "Moderator");
        var onB = await CookieSession.SignInAsync(b, moderator.Current!.Email);
        await using var live = await HubClient.ConnectAsync(b, onB.Header);
        // B's listener may still be subscribing: publish from A until B delivers, so the announcements below cannot be lost.
        var busA = a.Services.GetRequiredService<ILiveBus>();
        var i = 0;
        await Eventually.RepeatUntilAsync(() => busA.PublishAsync(LiveGroups.Member(moderator.Current.Id), "ready", new { i = i++ }),
            () => live.Received("ready").Count > 0, TimeSpan.FromMilliseconds(250));
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/api/mod/flags")).StatusCode); // B now holds the session state in memory

        await admin.PutAsync($"/api/admin/members/{moderator.Current.Id}/roles", new { roles = new[] { "Member" } });
        Assert.Equal(HttpStatusCode.Forbidden, await EventuallyAsync(() => onB.GetAsync("/api/mod/flags"), HttpStatusCode.Forbidden));

        var onA = await CookieSession.SignInAsync(a, moderator.Current.Email);
        Assert.Equal(HttpStatusCode.NoContent, (await onA.SendAsync(HttpMethod.Post, "/api/account/signout-everywhere")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, await EventuallyAsync(() => onB.GetAsync("/api/me"), HttpStatusCode.NoContent));
        await live.Closed.WaitAsync(TimeSpan.FromSeconds(15));
    }
}
