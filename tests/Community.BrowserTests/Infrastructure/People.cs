using System.Text.Json;
using Community.Tests.Infrastructure;

namespace Community.BrowserTests.Infrastructure;

/// <summary>A confirmed member with roles, signed in through the real sign-in page in their own browser context.</summary>
public static class People
{
    public static async Task<(IPage Page, Me Me)> SignedInAsync(this BrowserFixture browser, string displayName, int width = 1280, int height = 900,
        params string[] roles)
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        Me me;
        using (var api = browser.Server.CreateHttpApiClient())
        {
            me = await api.JoinAsync(displayName, email);
            if (roles.Length > 0) await browser.Server.GrantRolesAsync(me.Id, roles);
        }
        var page = await browser.NewPersonAsync(width, height);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(ApiClient.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("me")).ToBeAttachedAsync();
        return (page, me);
    }

    /// <summary>A link in the site's main navigation (header).</summary>
    public static ILocator MainNavLink(this IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name });

    /// <summary>A new category holding one thread, arranged through the API by a new admin (who stays signed in on the returned client).</summary>
    public static async Task<(ApiClient Admin, string Slug, string ThreadUrl, long PostId)> CategoryWithThreadAsync(this BrowserFixture browser,
        string title, string body)
    {
        var admin = browser.Server.CreateHttpApiClient();
        var me = await admin.JoinAsync("Arranging Admin");
        await browser.Server.GrantRolesAsync(me.Id, "Admin");
        await admin.SignInAsync(me.Email);
        var slug = "c-" + Guid.NewGuid().ToString("N")[..10];
        var category = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/categories",
            new { name = "Category " + slug, slug, description = "Arranged by a browser test" }), HttpStatusCode.Created);
        var created = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/threads",
            new { categoryId = category.GetProperty("id").GetInt32(), title, body }), HttpStatusCode.Created);
        return (admin, slug, created.GetProperty("thread").GetProperty("url").GetString()!, created.GetProperty("post").GetProperty("id").GetInt64());
    }

    /// <summary>
    /// What does not fit a phone: the page scrolling sideways, and any visible control (link, button, field) outside the
    /// viewport. Controls inside a region that scrolls by itself (a wide table, a code block) are reachable and allowed.
    /// </summary>
    public static Task<string[]> LayoutProblemsAsync(this IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const vw = window.innerWidth;
          const problems = [];
          const width = document.documentElement.scrollWidth;
          if (width > vw) problems.push(`the page is ${width}px wide in a ${vw}px viewport`);
          const scrollsInside = (n) => {
            for (let p = n.parentElement; p && p !== document.body; p = p.parentElement) {
              const o = getComputedStyle(p).overflowX;
              if ((o === 'auto' || o === 'scroll') && p.scrollWidth > p.clientWidth) return true;
            }
            return false;
          };
          const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
          for (const n of document.querySelectorAll(controls)) {
            // The skip link is parked off screen until focused; visually hidden inputs are operated through their label.
            if (n.closest('.skip-link, .visually-hidden')) continue;
            const r = n.getBoundingClientRect();
            if ((r.width === 0 && r.height === 0) || getComputedStyle(n).visibility === 'hidden') continue;
            if ((r.left < -1 || r.right > vw + 1) && !scrollsInside(n))
              problems.push(`${n.outerHTML.slice(0, 90)} spans ${Math.round(r.left)}..${Math.round(r.right)}px`);
          }
          return problems;
        }
        """);
}
