using Community.Tests.Infrastructure;
using Community.Web.Features.Recognition;

namespace Community.Tests.Recognition;

public sealed record BadgeAdminView(string Key, string Name, string Description, bool Manual, int Holders);
public sealed record HolderView(string UserName, string DisplayName, DateTime GrantedAt, string? Reason);

public sealed class ManualBadgeTests(RecognitionFactory factory) : IClassFixture<RecognitionFactory>
{
    private const string HtmlName = "<img src=x onerror=alert(1)>Hero";

    [Fact]
    public async Task Admin_creates_grants_and_revokes_a_badge_and_granting_twice_is_409()
    {
        using var admin = await factory.MemberAsync("Manual Admin", "Admin");
        using var member = await factory.MemberAsync("Manual Member");
        var badge = await ApiClient.ReadAsync<BadgeAdminView>(await admin.PostAsync("/api/admin/badges",
            new { name = HtmlName, description = "Went <b>beyond</b>" }), HttpStatusCode.Created);
        Assert.True(badge.Manual);
        await ApiClient.ProblemAsync(await admin.PostAsync("/api/admin/badges", new { name = HtmlName }), HttpStatusCode.Conflict);

        var grant = new { userName = member.Current!.UserName, reason = "Ran the community meetup" };
        var grants = $"/api/admin/badges/{badge.Key}/grants";
        var held = await ApiClient.ReadAsync<HolderView>(await admin.PostAsync(grants, grant), HttpStatusCode.Created);
        Assert.Equal("Ran the community meetup", held.Reason);
        await ApiClient.ProblemAsync(await admin.PostAsync($"/api/admin/badges/{badge.Key}/grants", grant), HttpStatusCode.Conflict);

        // Stored and sent as text: the page puts it in with textContent (see the browser test).
        var activity = await Recognition.ActivityAsync(member, member.Current!.UserName);
        var earned = Assert.Single(activity.Badges, b => b.Manual);
        Assert.Equal(HtmlName, earned.Name);
        Assert.Contains((await Recognition.NotesAsync(member)).Items, n => n.Kind == "badge" && n.Text == $"You earned the badge “{HtmlName}”");
        var holders = await ApiClient.ReadAsync<List<HolderView>>(await admin.GetAsync($"/api/admin/badges/{badge.Key}/grants"));
        Assert.Equal(member.Current!.UserName, Assert.Single(holders).UserName);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{grants}/{member.Current!.UserName}")).StatusCode);
        Assert.DoesNotContain((await Recognition.ActivityAsync(member, member.Current!.UserName)).Badges, b => b.Manual);
        await ApiClient.ProblemAsync(await admin.DeleteAsync($"{grants}/{member.Current!.UserName}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_input_is_a_field_error_and_members_cannot_manage_badges()
    {
        using var admin = await factory.MemberAsync("Manual Admin Two", "Admin");
        using var member = await factory.MemberAsync("Manual Outsider");
        var problem = await ApiClient.ProblemAsync(await admin.PostAsync("/api/admin/badges", new { name = " " }), HttpStatusCode.BadRequest);
        Assert.True(problem.Errors!.ContainsKey("name"));
        var badge = await ApiClient.ReadAsync<BadgeAdminView>(await admin.PostAsync("/api/admin/badges", new { name = "Bug hunter" }),
            HttpStatusCode.Created);
        var nobody = await ApiClient.ProblemAsync(await admin.PostAsync($"/api/admin/badges/{badge.Key}/grants",
            new { userName = "no-such-member-here", reason = "Found a bug" }), HttpStatusCode.BadRequest);
        Assert.True(nobody.Errors!.ContainsKey("userName"));
        var noReason = await ApiClient.ProblemAsync(await admin.PostAsync($"/api/admin/badges/{badge.Key}/grants",
            new { userName = member.Current!.UserName }), HttpStatusCode.BadRequest);
        Assert.True(noReason.Errors!.ContainsKey("reason"));
        // Automatic badges come from their rules only.
        await ApiClient.ProblemAsync(await admin.PostAsync($"/api/admin/badges/{BadgeCatalog.Helpful}/grants",
            new { userName = member.Current!.UserName, reason = "Because" }), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/admin/badges")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync("/api/admin/badges", new { name = "Self made" })).StatusCode);
        using var anonymous = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/badges")).StatusCode);
    }

    [Fact]
    public async Task A_member_picks_one_of_their_badges_as_title()
    {
        using var admin = await factory.MemberAsync("Title Admin", "Admin");
        using var member = await factory.MemberAsync("Title Member");
        using var other = await factory.MemberAsync("Title Viewer");
        var badge = await ApiClient.ReadAsync<BadgeAdminView>(await admin.PostAsync("/api/admin/badges", new { name = "Docs champion" }),
            HttpStatusCode.Created);
        var notHeld = await ApiClient.ProblemAsync(await member.PutAsync("/api/me/title", new { badge = badge.Key }), HttpStatusCode.BadRequest);
        Assert.True(notHeld.Errors!.ContainsKey("badge"));
        await admin.PostAsync($"/api/admin/badges/{badge.Key}/grants", new { userName = member.Current!.UserName, reason = "Rewrote the guide" });
        Assert.Equal(HttpStatusCode.NoContent, (await member.PutAsync("/api/me/title", new { badge = badge.Key })).StatusCode);
        Assert.Equal("Docs champion", (await Recognition.ActivityAsync(other, member.Current!.UserName)).Title);
        // Revoking the badge takes the title with it.
        await admin.DeleteAsync($"/api/admin/badges/{badge.Key}/grants/{member.Current!.UserName}");
        Assert.Null((await Recognition.ActivityAsync(other, member.Current!.UserName)).Title);
    }
}
