using System.Text.Json;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Community.BrowserTests.Forums;

/// <summary>A member with an API client of their own (signed in), to arrange a forum scene before a browser joins it.</summary>
internal sealed record Person(ApiClient Api, string Email, string Name);

/// <summary>People, Q&amp;A threads and signed-in pages for the forum journeys.</summary>
internal static class ForumArrange
{
    /// <summary>A confirmed member who joined a month ago (so the new-member posting limit does not apply).</summary>
    public static async Task<Person> PersonAsync(BrowserFixture browser, string name, params string[] roles)
    {
        var api = browser.Server.CreateHttpApiClient();
        var me = await api.JoinAsync(name);
        await using (var scope = browser.Server.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Member>>();
            var member = (await users.FindByIdAsync(me.Id))!;
            member.JoinedAt = member.JoinedAt.AddDays(-30);
            await users.UpdateAsync(member);
            if (roles.Length > 0) await users.AddToRolesAsync(member, roles);
        }
        if (roles.Length > 0) await api.SignInAsync(me.Email);
        return new Person(api, me.Email, name);
    }

    public static async Task SignInAsync(IPage page, Person person, string returnTo)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(person.Email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToContainTextAsync(person.Name);
        await page.GotoAsync(returnTo);
    }

    /// <summary>A new Q&amp;A category (made by the admin) holding one thread started by the author.</summary>
    public static async Task<(int CategoryId, string Slug, string ThreadUrl, long ThreadId)> ThreadAsync(Person admin, Person author, string title)
    {
        var slug = "b-" + Guid.NewGuid().ToString("N")[..10];
        var category = await ApiClient.ReadAsync<JsonElement>(await admin.Api.PostAsync("/api/categories",
            new { name = "Browser " + slug, slug, description = "Browser test category", isQa = true }), HttpStatusCode.Created);
        var created = await ApiClient.ReadAsync<JsonElement>(await author.Api.PostAsync("/api/threads",
            new { categoryId = category.GetProperty("id").GetInt32(), title, body = "How do I **export** my data every night?" }),
            HttpStatusCode.Created);
        var thread = created.GetProperty("thread");
        return (category.GetProperty("id").GetInt32(), slug, thread.GetProperty("url").GetString()!, thread.GetProperty("id").GetInt64());
    }

    /// <summary>A reply through the API; returns the post's id.</summary>
    public static async Task<long> ReplyAsync(Person person, long threadId, string body) =>
        (await ApiClient.ReadAsync<JsonElement>(await person.Api.PostAsync($"/api/threads/{threadId}/posts", new { body }), HttpStatusCode.Created))
            .GetProperty("id").GetInt64();

    public static ILocator Post(IPage page, int seq) => page.Locator($"#p{seq}");
}
