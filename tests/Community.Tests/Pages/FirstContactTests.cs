using System.Text.Json;
using AngleSharp.Html.Parser;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;
using Community.Tests.Referrals;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Community.Tests.Pages;

/// <summary>What a new visitor, a new member and staff meet first: answers that explain themselves, and no false alarms.</summary>
public sealed class FirstContactTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    [Theory]
    [InlineData("/no-such-page")]
    [InlineData("/forums/typo/deeper")]
    public async Task Unknown_page_answers_404_with_the_site_page_and_its_navigation(string path)
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        Assert.Equal("Page not found", document.QuerySelector("h1")!.TextContent.Trim());
        Assert.NotNull(document.QuerySelector("nav[aria-label=Main] a[href='/forums']"));
        Assert.NotNull(document.QuerySelector("link[rel=stylesheet]"));
        Assert.All(document.QuerySelectorAll("script"), s => Assert.False(string.IsNullOrEmpty(s.GetAttribute("src")), "inline script"));
    }

    [Fact]
    public async Task Unknown_api_route_answers_404_problem_details()
    {
        using var client = factory.CreateApiClient();
        var problem = await ApiClient.ProblemAsync(await client.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound);
        Assert.Equal(404, problem.Status);
    }

    [Fact]
    public async Task Anonymous_visitor_asking_who_am_i_gets_no_content_instead_of_an_error()
    {
        using var client = factory.CreateApiClient();
        var response = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Sign_up_reports_every_field_error_at_once()
    {
        using var client = factory.CreateApiClient();
        var problem = await ApiClient.ProblemAsync(await client.PostAsync("/api/account/register",
            new { email = "not-an-email", displayName = "", password = "short" }), HttpStatusCode.BadRequest);
        Assert.Equal(["displayName", "email", "password"], problem.Errors!.Keys.Order(StringComparer.Ordinal));

        // The password rules (length, common passwords) come with the other errors, not after them are fixed.
        problem = await ApiClient.ProblemAsync(await client.PostAsync("/api/account/register",
            new { email = "", displayName = "Al", password = "password123" }), HttpStatusCode.BadRequest);
        Assert.Contains("email", problem.Errors!.Keys);
        Assert.Contains("password", problem.Errors!.Keys);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("someone", null)]
    [InlineData("no-such-member", "altered-token")]
    public async Task Broken_confirmation_link_says_invalid_or_expired_not_that_fields_need_attention(string? userId, string? token)
    {
        using var client = factory.CreateApiClient();
        var response = await client.PostAsync("/api/account/confirm-email", new { userId, token });
        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("invalid or has expired", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("fields", problem.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("invalid_link", problem.Code);
    }

    [Fact]
    public async Task Altered_token_for_a_real_member_is_an_invalid_link_and_resending_does_not_reveal_who_is_registered()
    {
        using var client = factory.CreateApiClient();
        var email = $"{Guid.NewGuid():N}@example.com";
        await client.RegisterAsync(email, "Rita Resend");
        var link = Mailbox.LinkIn(await client.Mail.WaitForAsync(email, "Confirm your email"), "/confirm-email");
        var userId = System.Web.HttpUtility.ParseQueryString(link.Query)["userId"];
        var problem = await ApiClient.ProblemAsync(await client.PostAsync("/api/account/confirm-email", new { userId, token = "tampered" }),
            HttpStatusCode.BadRequest);
        Assert.Equal("invalid_link", problem.Code);

        var known = await client.PostAsync("/api/account/resend-confirmation", new { email });
        var unknown = await client.PostAsync("/api/account/resend-confirmation", new { email = $"{Guid.NewGuid():N}@example.com" });
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        // The real member does get a second, new link (the first came with the sign-up).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (client.Mail.CountTo(email) < 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(2, client.Mail.CountTo(email));
    }

    [Fact]
    public async Task Open_flag_count_is_served_to_moderators_and_admins_only()
    {
        using var admin = await factory.MemberAsync("Flag Admin", Roles.Admin);
        using var moderator = await factory.MemberAsync("Flag Moderator", Roles.Moderator);
        using var marketing = await factory.MemberAsync("Flag Marketer", Roles.Marketing);
        using var member = await factory.MemberAsync("Flag Member");
        using var anonymous = factory.CreateApiClient();
        var category = await Forum.CategoryAsync(admin);
        var created = await Forum.ThreadAsync(member, category.Id);
        var before = await OpenCountAsync(moderator);
        var flagged = await member.PostAsync($"/api/posts/{created.Post.Id}/flags", new { reason = "Spam" });
        await ApiClient.ReadAsync<JsonElement>(flagged, HttpStatusCode.Created);

        Assert.Equal(before + 1, await OpenCountAsync(moderator));
        Assert.Equal(before + 1, await OpenCountAsync(admin));
        await ApiClient.ProblemAsync(await marketing.GetAsync("/api/mod/flags/open-count"), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await member.GetAsync("/api/mod/flags/open-count"), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await anonymous.GetAsync("/api/mod/flags/open-count"), HttpStatusCode.Unauthorized);
    }

    private static async Task<int> OpenCountAsync(ApiClient client) =>
        (await ApiClient.ReadAsync<JsonElement>(await client.GetAsync("/api/mod/flags/open-count"))).GetProperty("open").GetInt32();

    [Fact]
    public async Task Category_threads_link_a_next_page_only_when_there_is_one()
    {
        using var admin = await factory.MemberAsync("Paging Admin", Roles.Admin);
        var category = await Forum.CategoryAsync(admin);
        await Forum.ThreadAsync(admin, category.Id, "The only thread");
        var one = await admin.GetAsync($"/api/categories/{category.Slug}/threads");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.False(one.Headers.Contains("Link"));

        for (var i = 0; i < 30; i++) await Forum.ThreadAsync(admin, category.Id, $"Thread number {i}");
        var first = await admin.GetAsync($"/api/categories/{category.Slug}/threads?page=1");
        Assert.Contains("rel=\"next\"", string.Join(",", first.Headers.GetValues("Link")), StringComparison.Ordinal);
        Assert.Equal(30, (await ApiClient.ReadAsync<JsonElement>(first)).GetArrayLength());
        var second = await admin.GetAsync($"/api/categories/{category.Slug}/threads?page=2");
        Assert.False(second.Headers.Contains("Link"));
        Assert.Equal(1, (await ApiClient.ReadAsync<JsonElement>(second)).GetArrayLength());
    }

    [Fact]
    public async Task Live_preview_of_an_undated_story_says_not_published_instead_of_year_one()
    {
        using var marketing = await factory.MemberAsync("Preview Marketer", Roles.Marketing);
        var preview = await ApiClient.ReadAsync<JsonElement>(await marketing.PostAsync("/api/stories/preview",
            new { kind = "spotlight", title = "Acme saves hours", customer = "Acme", body = "Hello" }));
        var html = preview.GetProperty("html").GetString()!;
        Assert.DoesNotContain("0001", html, StringComparison.Ordinal);
        Assert.Contains("Not published yet", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Referral_sign_up_runs_no_row_limit_without_an_order()
    {
        using var advocate = await factory.MemberAsync("Order Advocate");
        var code = await advocate.CodeAsync();
        using var friend = factory.CreateApiClient();
        await friend.JoinWithCodeAsync("Order Friend", code);
        // Logged once per process, when the query is first compiled: look at every test server's warnings.
        Assert.DoesNotContain(WarningLog.Instance.Entries, e => e.Id.Id == CoreEventId.RowLimitingOperationWithoutOrderByWarning.Id);
    }
}
