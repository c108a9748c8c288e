using System.Text.Json;
using AngleSharp.Html.Parser;
using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Knowledge;

public sealed record NoteView(long Id, string Kind, string Text, string Url, bool Read);
public sealed record NoteListView(int Unread, List<NoteView> Items);

/// <summary>A moderator turns a solved thread into a draft article that links back and credits the answerer, who is notified.</summary>
public sealed class PromoteAnswerTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    internal static async Task<(CreatedThreadView Thread, PostView Answer)> SolvedAsync(ApiClient admin, ApiClient asker, ApiClient answerer,
        string title)
    {
        var qa = await Forum.CategoryAsync(admin, qa: true);
        var thread = await Forum.ThreadAsync(asker, qa.Id, title, "I need every invoice as a **CSV** file.");
        var answer = await Forum.ReplyAsync(answerer, thread.Thread.Id, "Open *Billing*, then choose **Export all**.");
        Assert.Equal(HttpStatusCode.OK, (await asker.PostAsync($"/api/threads/{thread.Thread.Id}/accept", new { seq = answer.Seq })).StatusCode);
        return (thread, answer);
    }

    [Fact]
    public async Task A_solved_thread_becomes_a_draft_that_links_back_and_credits_the_notified_answerer()
    {
        using var admin = await factory.MemberAsync("Promo Admin", "Admin");
        using var moderator = await factory.MemberAsync("Promo Mod", "Moderator");
        using var asker = await factory.MemberAsync("Promo Asker");
        using var answerer = await factory.MemberAsync("Promo Answerer");
        using var visitor = factory.CreateApiClient();
        var (thread, answer) = await SolvedAsync(admin, asker, answerer, "How do I export invoices as CSV?");
        var section = await Kb.SectionAsync(moderator);

        var article = await ApiClient.ReadAsync<ArticleView>(await moderator.PostAsync("/api/kb/promote",
            new { threadId = thread.Thread.Id, sectionId = section.Id }), HttpStatusCode.Created);
        Assert.Equal("draft", article.Status);
        Assert.Equal("How do I export invoices as CSV?", article.Title);
        Assert.Equal(thread.Thread.Url, article.SourceUrl);
        Assert.Contains("every invoice", article.Body);
        Assert.Contains("Export all", article.Body);
        Assert.Contains($"{thread.Thread.Url}#p{answer.Seq}", article.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(article.Url)).StatusCode);

        var notes = await ApiClient.ReadAsync<NoteListView>(await answerer.GetAsync("/api/notifications"));
        var note = Assert.Single(notes.Items, n => n.Kind == "promoted");
        Assert.Contains("knowledge-base article", note.Text);
        Assert.Equal($"{thread.Thread.Url}#p{answer.Seq}", note.Url);
        var askerNotes = await ApiClient.ReadAsync<NoteListView>(await asker.GetAsync("/api/notifications"));
        Assert.DoesNotContain(askerNotes.Items, n => n.Kind == "promoted");

        await Kb.PublishAsync(moderator, article.Id);
        var doc = new HtmlParser().ParseDocument(await (await visitor.GetAsync(article.Url)).Content.ReadAsStringAsync());
        var credit = doc.QuerySelector(".kb-credit")!;
        Assert.Contains("Promo Answerer", credit.TextContent);
        Assert.Equal(thread.Thread.Url, credit.QuerySelector("a")!.GetAttribute("href"));
        var ld = JsonDocument.Parse(doc.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        Assert.Equal("FAQPage", ld.GetProperty("@type").GetString());
        Assert.Equal("How do I export invoices as CSV?", ld.GetProperty("mainEntity")[0].GetProperty("name").GetString());
        var rows = await ApiClient.ReadAsync<List<ArticleRow>>(await moderator.GetAsync("/api/kb/articles"));
        Assert.Contains(rows, r => r.Id == article.Id && r.Promoted);
    }

    [Fact]
    public async Task Only_moderators_promote_only_solved_threads_and_only_once()
    {
        using var admin = await factory.MemberAsync("Once Admin", "Admin");
        using var moderator = await factory.MemberAsync("Once Mod", "Moderator");
        using var marketer = await factory.MemberAsync("Once Marketer", "Marketing");
        using var asker = await factory.MemberAsync("Once Asker");
        using var answerer = await factory.MemberAsync("Once Answerer");
        var (thread, _) = await SolvedAsync(admin, asker, answerer, "Why is my sync slow?");
        var section = await Kb.SectionAsync(moderator);
        var request = new { threadId = thread.Thread.Id, sectionId = section.Id };

        await ApiClient.ProblemAsync(await asker.PostAsync("/api/kb/promote", request), HttpStatusCode.Forbidden);
        await ApiClient.ProblemAsync(await marketer.PostAsync("/api/kb/promote", request), HttpStatusCode.Forbidden);
        var open = await Forum.ThreadAsync(asker, (await Forum.CategoryAsync(admin, qa: true)).Id, "Still open question");
        var unsolved = await ApiClient.ProblemAsync(
            await moderator.PostAsync("/api/kb/promote", new { threadId = open.Thread.Id, sectionId = section.Id }), HttpStatusCode.BadRequest);
        Assert.True(unsolved.Errors!.ContainsKey("threadId"));
        var noSection = await ApiClient.ProblemAsync(await moderator.PostAsync("/api/kb/promote", new { threadId = thread.Thread.Id }),
            HttpStatusCode.BadRequest);
        Assert.True(noSection.Errors!.ContainsKey("sectionId"));

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => moderator.PostAsync("/api/kb/promote", request)));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var notes = await ApiClient.ReadAsync<NoteListView>(await answerer.GetAsync("/api/notifications"));
        Assert.Single(notes.Items, n => n.Kind == "promoted");
    }
}
