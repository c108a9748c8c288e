using System.Text.Json;
using System.Text.RegularExpressions;
using Community.BrowserTests.Infrastructure;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using static Community.BrowserTests.Forums.ForumArrange;

namespace Community.BrowserTests.Forums;

/// <summary>
/// Questions before a hide or a deletion are asked in the page's own modal &lt;dialog&gt; (never the browser's prompt or
/// confirm): labelled by its heading, focus inside, Escape cancels, Enter or the button confirms, focus goes back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DialogTests(BrowserFixture browser)
{
    [Fact]
    public async Task Hide_and_delete_ask_in_a_keyboard_operable_dialog_that_fits_a_phone()
    {
        var admin = await PersonAsync(browser, "Dialog Admin", Roles.Admin);
        var ana = await PersonAsync(browser, "Ana Dialog");
        var mod = await PersonAsync(browser, "Mo Dialog", Roles.Moderator);
        var (_, _, url, threadId) = await ThreadAsync(admin, ana, "A thread with replies to moderate");
        await ReplyAsync(ana, threadId, "A reply a moderator will hide.");
        await ReplyAsync(ana, threadId, "A reply a moderator will delete.");
        var m = await browser.NewPersonAsync(360, 740);
        var nativeDialogs = 0;
        m.Dialog += (_, dialog) => { nativeDialogs++; _ = dialog.DismissAsync(); };
        await SignInAsync(m, mod, url);

        // Hide: the dialog opens with focus in its field; Escape cancels and focus returns to the Hide button.
        var hide = Post(m, 2).GetByRole(AriaRole.Button, new() { Name = "Hide", Exact = true });
        await hide.ClickAsync();
        var dialog = m.GetByRole(AriaRole.Dialog, new() { Name = "Hide this post" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await m.ScreenshotAsync("phone-360-hide-dialog");
        var reason = dialog.GetByRole(AriaRole.Textbox, new() { Name = "Reason for hiding (shown in the audit log)" });
        await Assertions.Expect(reason).ToBeFocusedAsync();
        var problems = await m.LayoutProblemsAsync();
        Assert.True(problems.Length == 0, "the hide dialog at 360 px:\n" + string.Join("\n", problems));
        await m.AssertAccessibleAsync();
        await m.Keyboard.PressAsync("Escape");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(hide).ToBeFocusedAsync();

        // Keyboard only: Enter opens it again, typing and Enter confirm; the button turns into Unhide and keeps focus.
        await m.Keyboard.PressAsync("Enter");
        await Assertions.Expect(reason).ToBeFocusedAsync();
        await m.Keyboard.TypeAsync("Sentinel reason");
        await m.Keyboard.PressAsync("Enter");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(Post(m, 2)).ToHaveClassAsync(new Regex(@"\bhidden-post\b"));
        await Assertions.Expect(Post(m, 2).GetByRole(AriaRole.Button, new() { Name = "Unhide" })).ToBeFocusedAsync();
        // Exactly one hide, the confirmed one: the cancelled dialog hid nothing.
        var audit = await ApiClient.ReadAsync<JsonElement>(await mod.Api.GetAsync("/api/mod/audit"));
        var hides = audit.EnumerateArray().Where(a => a.GetProperty("action").GetString() == "hide-post"
            && a.GetProperty("target").GetString() == $"post {threadId}#2").Select(a => a.GetProperty("reason").GetString()).ToList();
        Assert.Equal(["Sentinel reason"], hides);

        // Delete: the confirm button has focus; Escape keeps the post, a click on "Delete post" deletes it.
        var delete = Post(m, 3).GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true });
        await delete.ClickAsync();
        var confirm = m.GetByRole(AriaRole.Dialog, new() { Name = "Delete this post?" });
        await Assertions.Expect(confirm.GetByRole(AriaRole.Button, new() { Name = "Delete post" })).ToBeFocusedAsync();
        await m.Keyboard.PressAsync("Escape");
        await Assertions.Expect(confirm).ToHaveCountAsync(0);
        await Assertions.Expect(delete).ToBeFocusedAsync();
        await Assertions.Expect(Post(m, 3)).ToContainTextAsync("A reply a moderator will delete.");
        await delete.ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete post" }).ClickAsync();
        await Assertions.Expect(Post(m, 3)).ToContainTextAsync("This post was deleted.");
        Assert.Equal(0, nativeDialogs);
    }
}
