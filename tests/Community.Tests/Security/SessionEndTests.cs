using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Security;

/// <summary>
/// Issue #9 (2): sessions end, or lose roles, the moment something should end them — cookies and live connections alike.
/// A refused cookie is anonymous: <c>/api/me</c> then answers 204 (not signed in) instead of 200 with the member.
/// </summary>
public sealed class SessionEndTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> call) => (await call).StatusCode;

    /// <summary>A member with one session, a copy of its cookie as a thief would keep it, and a second session elsewhere.</summary>
    private async Task<(ApiClient Member, CookieSession Session, CookieSession Copy, CookieSession Other)> SessionsAsync(string name)
    {
        var member = await factory.MemberAsync(name);
        var session = await CookieSession.SignInAsync(factory, member.Current!.Email);
        return (member, session, session.Copy(), await CookieSession.SignInAsync(factory, member.Current.Email));
    }

    [Fact]
    public async Task A_demoted_moderators_old_cookie_no_longer_reaches_the_queue_the_audit_or_staff_threads()
    {
        using var admin = await factory.MemberAsync("Admin Demote", "Admin");
        using var moderator = await factory.MemberAsync("Mod Demote", "Moderator");
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var secret = await Forum.ThreadAsync(admin, staff.Id, "Staff only: the salary review");
        var old = await CookieSession.SignInAsync(factory, moderator.Current!.Email);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(old.GetAsync("/api/mod/flags")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(old.GetAsync($"/api/threads/{secret.Thread.Id}")));

        var set = await admin.PutAsync($"/api/admin/members/{moderator.Current.Id}/roles", new { roles = new[] { "Member" } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(old.GetAsync("/api/mod/flags")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(old.GetAsync("/api/mod/audit")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(old.GetAsync($"/api/threads/{secret.Thread.Id}")));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(old.GetAsync($"/api/threads/{secret.Thread.Id}/posts")));
        var me = await ApiClient.ReadAsync<Me>(await old.GetAsync("/api/me"));
        Assert.Equal(["Member"], me.Roles);
    }

    [Fact]
    public async Task A_cookie_copied_before_a_password_change_is_refused_while_the_changing_session_goes_on()
    {
        var (member, session, copy, other) = await SessionsAsync("Pat Change");
        using var _ = member;

        var change = await session.SendAsync(HttpMethod.Post, "/api/me/password",
            new { currentPassword = ApiClient.DefaultPassword, newPassword = "a brand new passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(copy.GetAsync("/api/me")));
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(other.GetAsync("/api/me")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(session.GetAsync("/api/me")));
    }

    [Fact]
    public async Task A_session_opened_before_a_password_reset_is_refused()
    {
        using var member = await factory.MemberAsync("Rita Reset");
        var email = member.Current!.Email;
        var before = await CookieSession.SignInAsync(factory, email);
        await member.PostAsync("/api/account/forgot-password", new { email });
        var link = Mailbox.LinkIn(await member.Mail.WaitForAsync(email, "Reset your"), "/reset-password");
        var token = System.Web.HttpUtility.ParseQueryString(link.Query)["token"];
        var reset = await member.PostAsync("/api/account/reset-password", new { email, token, password = "another long passphrase" });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(before.GetAsync("/api/me")));
    }

    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_but_other_sessions_stay()
    {
        var (member, session, stolen, phone) = await SessionsAsync("Sam Signout");
        using var _ = member;

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(session.SendAsync(HttpMethod.Post, "/api/account/signout")));

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(stolen.GetAsync("/api/me")));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(phone.GetAsync("/api/me")));
    }

    [Fact]
    public async Task Sign_out_everywhere_refuses_every_session_and_copy()
    {
        var (member, laptop, stolen, phone) = await SessionsAsync("Eve Everywhere");
        using var _ = member;

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(phone.SendAsync(HttpMethod.Post, "/api/account/signout-everywhere")));

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(laptop.GetAsync("/api/me")));
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(stolen.GetAsync("/api/me")));
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(phone.GetAsync("/api/me")));
        await member.CsrfAsync(refresh: true);
        await member.SignInAsync(member.Current!.Email); // signing in again works
    }

    [Fact]
    public async Task A_suspended_members_session_and_live_connection_end_at_once()
    {
        using var moderator = await factory.MemberAsync("Mod Suspend", "Moderator");
        using var member = await factory.MemberAsync("Spammy Sue");
        var session = await CookieSession.SignInAsync(factory, member.Current!.Email);
        await using var live = await HubClient.ConnectAsync(factory, session.Header);

        var suspend = await moderator.PostAsync($"/api/mod/members/{member.Current.UserName}/sanctions",
            new { kind = "suspend", days = 3, reason = "Spam links" });
        Assert.Equal(HttpStatusCode.Created, suspend.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(session.GetAsync("/api/me")));
        await live.Closed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Signing_out_closes_that_sessions_live_connection_only()
    {
        using var member = await factory.MemberAsync("Lou Live");
        var session = await CookieSession.SignInAsync(factory, member.Current!.Email);
        var other = await CookieSession.SignInAsync(factory, member.Current.Email);
        await using var live = await HubClient.ConnectAsync(factory, session.Header);
        await using var otherLive = await HubClient.ConnectAsync(factory, other.Header);

        await session.SendAsync(HttpMethod.Post, "/api/account/signout");

        await live.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        // Sentinel: the other connection still takes a message sent to the member after the sign-out was handled.
        var bus = factory.Services.GetRequiredService<ILiveBus>();
        await Eventually.RepeatUntilAsync(() => bus.PublishAsync(LiveGroups.Member(member.Current.Id), "notice", new { text = "still here" }),
            () => otherLive.Received("notice").Count > 0, TimeSpan.FromMilliseconds(250));
        Assert.False(otherLive.Closed.IsCompleted);
    }

    [Fact]
    public async Task Role_removal_is_observed_by_an_open_connection()
    {
        using var admin = await factory.MemberAsync("Admin Live Demote", "Admin");
        using var moderator = await factory.MemberAsync("Mod Live Demote", "Moderator");
        using var flagger = await factory.MemberAsync("Flagger Live");
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var secret = await Forum.ThreadAsync(admin, staff.Id, "Staff only: incidents");
        var open = await Forum.CategoryAsync(admin);
        var session = await CookieSession.SignInAsync(factory, moderator.Current!.Email);
        await using var demoted = await HubClient.ConnectAsync(factory, session.Header);
        await using var control = await HubClient.ConnectAsync(factory, (await CookieSession.SignInAsync(factory, admin.Current!.Email)).Header);
        foreach (var hub in new[] { demoted, control })
        {
            await hub.InvokeAsync("JoinThread", secret.Thread.Id);
            await hub.InvokeAsync("JoinCategory", staff.Id);
            await hub.InvokeAsync("JoinModQueue");
        }

        await admin.PutAsync($"/api/admin/members/{moderator.Current.Id}/roles", new { roles = new[] { "Member" } });
        await demoted.WaitForAsync("threadDeleted", e => e.GetProperty("threadId").GetInt64() == secret.Thread.Id);

        var post = await Forum.ReplyAsync(admin, secret.Thread.Id, "After the demotion");
        var thread = await Forum.ThreadAsync(flagger, open.Id, "Spam here");
        await flagger.PostAsync($"/api/posts/{thread.Post.Id}/flags", new { reason = "Spam after demotion" });
        await control.WaitForAsync("postCreated", p => p.GetProperty("id").GetInt64() == post.Id);
        await control.WaitForAsync("flagCreated", f => f.GetProperty("postId").GetInt64() == thread.Post.Id);
        await control.WaitForAsync("threadActivity", e => e.GetProperty("thread").GetProperty("id").GetInt64() == secret.Thread.Id);
        await LiveSentinel.ReachAsync(admin, open.Id, demoted); // what was sent to it before is there now
        Assert.DoesNotContain(demoted.Received("postCreated"), p => p.GetProperty("id").GetInt64() == post.Id);
        Assert.DoesNotContain(demoted.Received("flagCreated"), f => f.GetProperty("postId").GetInt64() == thread.Post.Id);
        Assert.DoesNotContain(demoted.Received("threadActivity"), e => e.GetProperty("thread").GetProperty("id").GetInt64() == secret.Thread.Id);
        await Assert.ThrowsAsync<HubException>(() => demoted.InvokeAsync("JoinThread", secret.Thread.Id));
        await Assert.ThrowsAsync<HubException>(() => demoted.InvokeAsync("JoinModQueue"));
        Assert.False(demoted.Closed.IsCompleted); // downgraded, not signed out
    }
}
