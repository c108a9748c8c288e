using Community.Tests.Forums;
using Community.Tests.Forums.Ideas;
using Community.Tests.Infrastructure;

namespace Community.Tests.Knowledge;

public sealed record FindHitView(string Kind, string Title, string Url, string Snippet, string Where);
public sealed record FindCountsView(int Articles, int Threads, int Stories, int Ideas = 0);
public sealed record FindResultView(List<FindHitView> Hits, FindCountsView Counts);
public sealed record SimilarView(string Kind, string Title, string Url, string Where);
public sealed record OpenedView(string Token);
public sealed record KbStatsView(int Published, int Drafts, int SuggestionsOpened, int Deflections);
public sealed record StoryCreated(int Id);

/// <summary>Unified search and similar questions on either database (SQLite: <see cref="FindTests"/>; PostgreSQL:
/// <see cref="PostgresFindTests"/>).</summary>
internal static class FindScenarios
{
    /// <summary>A word no other test uses, whose first five letters are its own too (suggestions match on them).</summary>
    private static string Word() => "q" + Guid.NewGuid().ToString("N")[..9].Replace('0', 'g').Replace('1', 'h');

    public static async Task<FindResultView> FindAsync(ApiClient client, string q, string? kind = null) =>
        await ApiClient.ReadAsync<FindResultView>(
            await client.GetAsync($"/api/find?q={Uri.EscapeDataString(q)}" + (kind is null ? "" : $"&kind={kind}")));

    private static async Task<List<SimilarView>> SimilarAsync(ApiClient client, string title) =>
        await ApiClient.ReadAsync<List<SimilarView>>(await client.GetAsync($"/api/kb/similar?title={Uri.EscapeDataString(title)}"));

    public static async Task One_search_finds_threads_articles_and_stories_by_kind_within_what_the_reader_may_see(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Find Admin", "Admin");
        using var moderator = await factory.MemberAsync("Find Mod", "Moderator");
        using var member = await factory.MemberAsync("Find Member");
        using var visitor = factory.CreateApiClient();
        var word = Word();
        var open = await Forum.CategoryAsync(admin);
        var staffOnly = await Forum.CategoryAsync(admin, false, "Moderator");
        var publicThread = await Forum.ThreadAsync(member, open.Id, $"Public {word} question", $"About {word} in public");
        var privateThread = await Forum.ThreadAsync(moderator, staffOnly.Id, $"Staff {word} notes", $"Internal {word}");
        var section = await Kb.SectionAsync(admin);
        var article = await Kb.PublishedAsync(admin, section.Id, $"Guide to {word}", $"Everything about **{word}**.");
        var draft = await Kb.DraftAsync(admin, section.Id, $"Draft about {word}", $"Unfinished {word}", Kb.Unique("draft"));
        var story = await ApiClient.ReadAsync<StoryCreated>(await admin.PostAsync("/api/stories", new
        {
            kind = "spotlight", slug = Kb.Unique("story"), title = $"How Acme adopted {word}", customer = "Acme", summary = "A story.",
            body = $"They use {word} every day.",
        }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/stories/{story.Id}/publish", new { })).StatusCode);
        await ApiClient.ReadAsync<StoryCreated>(await admin.PostAsync("/api/stories", new
        {
            kind = "spotlight", slug = Kb.Unique("story"), title = $"Draft story {word}", customer = "Acme", summary = "Unpublished.", body = word,
        }), HttpStatusCode.Created);

        foreach (var outsider in new[] { member, visitor })
        {
            var result = await FindAsync(outsider, word);
            Assert.Equal(["article", "thread", "story"], result.Hits.Select(h => h.Kind));
            Assert.Equal(article.Url, result.Hits[0].Url);
            Assert.Contains("<mark>", result.Hits[0].Title);
            Assert.StartsWith(publicThread.Thread.Url, result.Hits[1].Url);
            Assert.Contains("Acme", result.Hits[2].Title);
            Assert.DoesNotContain(result.Hits, h => h.Url.Contains(draft.Slug, StringComparison.Ordinal));
            Assert.DoesNotContain(result.Hits, h => h.Url.StartsWith(privateThread.Thread.Url, StringComparison.Ordinal));
            Assert.Equal(new FindCountsView(1, 1, 1), result.Counts);
        }
        var staff = await FindAsync(moderator, word);
        Assert.Contains(staff.Hits, h => h.Url.StartsWith(privateThread.Thread.Url, StringComparison.Ordinal));
        Assert.Equal(["article"], (await FindAsync(member, word, "article")).Hits.Select(h => h.Kind));
        Assert.Equal(["thread"], (await FindAsync(member, word, "thread")).Hits.Select(h => h.Kind));
        Assert.Equal(["story"], (await FindAsync(member, word, "story")).Hits.Select(h => h.Kind));
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/find?q={word}&kind=secret"), HttpStatusCode.BadRequest);
        await ApiClient.ProblemAsync(await member.GetAsync("/api/find?q="), HttpStatusCode.BadRequest);

        // Unpublishing takes the article out of search at once.
        await ApiClient.ReadAsync<ArticleView>(await admin.PostAsync($"/api/kb/articles/{article.Id}/unpublish"));
        Assert.Equal(0, (await FindAsync(member, word)).Counts.Articles);
    }

    public static async Task Suggestions_put_solved_threads_first_then_articles_then_open_threads(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Suggest Admin", "Admin");
        using var moderator = await factory.MemberAsync("Suggest Mod", "Moderator");
        using var member = await factory.MemberAsync("Suggest Member");
        var (a, b) = (Word(), Word());
        var qa = await Forum.CategoryAsync(admin, qa: true);
        var staffOnly = await Forum.CategoryAsync(admin, false, "Moderator");
        var openThread = await Forum.ThreadAsync(member, qa.Id, $"{a} {b} keeps failing");
        var solved = await Forum.ThreadAsync(member, qa.Id, $"Setting up {a} with {b}");
        var reply = await Forum.ReplyAsync(moderator, solved.Thread.Id, "Do this.");
        Assert.Equal(HttpStatusCode.OK, (await member.PostAsync($"/api/threads/{solved.Thread.Id}/accept", new { seq = reply.Seq })).StatusCode);
        await Forum.ThreadAsync(moderator, staffOnly.Id, $"Internal {a} {b} notes");
        var section = await Kb.SectionAsync(admin);
        var article = await Kb.PublishedAsync(admin, section.Id, $"Connect {a} to {b}");
        await Kb.DraftAsync(admin, section.Id, $"Draft {a} {b}", "x", Kb.Unique("draft"));

        var items = await SimilarAsync(member, $"How do I connect {a} and {b}");
        Assert.Equal(["solved", "article", "thread"], items.Select(i => i.Kind));
        Assert.Equal([solved.Thread.Url, article.Url, openThread.Thread.Url], items.Select(i => i.Url));
        Assert.Empty(await SimilarAsync(member, $"{a} {b}"));
        Assert.Contains(await SimilarAsync(moderator, $"How do I connect {a} and {b}"),
            i => i.Title.StartsWith("Internal", StringComparison.Ordinal));
        // The last word may be half typed.
        Assert.Contains(await SimilarAsync(member, $"Trouble with {a} {b[..6]}"), i => i.Url == openThread.Thread.Url);
    }

    public static async Task Racing_articles_for_one_slug_end_as_one_and_409s_never_500(ForumFactory factory)
    {
        using var staff = await factory.MemberAsync("Race Staff", "Admin");
        var section = await Kb.SectionAsync(staff);
        var slug = Kb.Unique("race");
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            staff.PostAsync("/api/kb/articles", new { sectionId = section.Id, slug, title = $"Racer {i}", body = "x" })));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    public static async Task A_composer_left_after_opening_a_suggestion_counts_one_deflection(ForumFactory factory)
    {
        using var staff = await factory.MemberAsync("Deflect Staff", "Moderator");
        using var member = await factory.MemberAsync("Deflect Member");
        using var beacon = factory.CreateClient();
        var before = await ApiClient.ReadAsync<KbStatsView>(await staff.GetAsync("/api/kb/stats"));
        var first = await ApiClient.ReadAsync<OpenedView>(await member.PostAsync("/api/kb/suggestions/opened", new { url = "/kb/a/b" }));
        await ApiClient.ReadAsync<OpenedView>(await member.PostAsync("/api/kb/suggestions/opened", new { url = "/t/1/x" }));
        await ApiClient.ProblemAsync(await member.PostAsync("/api/kb/suggestions/opened", new { url = "https://evil.example/" }),
            HttpStatusCode.BadRequest);

        // navigator.sendBeacon sends no CSRF header; the token is the proof, and it counts once.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.NoContent, (await beacon.PostAsync($"/api/kb/deflections/{first.Token}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await beacon.PostAsync("/api/kb/deflections/made-up-token", null)).StatusCode);
        var after = await ApiClient.ReadAsync<KbStatsView>(await staff.GetAsync("/api/kb/stats"));
        Assert.Equal(before.SuggestionsOpened + 2, after.SuggestionsOpened);
        Assert.Equal(before.Deflections + 1, after.Deflections);
    }
}

internal static class IdeaFindScenarios
{
    /// <summary>An idea is a thread of an Ideas board: search and suggestions label it "idea", and the idea filter finds it alone.</summary>
    public static async Task Ideas_are_found_and_suggested_as_ideas(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Idea Find Admin", "Admin");
        using var member = await factory.MemberAsync("Idea Find Member");
        var word = "i" + Guid.NewGuid().ToString("N")[..9].Replace('0', 'g').Replace('1', 'h');
        var board = await Ideas.CategoryAsync(admin);
        var open = await Forum.CategoryAsync(admin);
        var idea = await Ideas.PostAsync(member, board.Id, $"Export {word} reports to spreadsheets");
        await Forum.ThreadAsync(member, open.Id, $"Export {word} reports fails", $"Exporting {word} fails for me");

        var found = await FindScenarios.FindAsync(member, word);
        Assert.Equal(["idea", "thread"], found.Hits.Select(h => h.Kind).Order());
        Assert.Equal(new FindCountsView(0, 1, 0, 1), found.Counts);
        var ideasOnly = await FindScenarios.FindAsync(member, word, "idea");
        Assert.StartsWith($"/t/{idea}/", Assert.Single(ideasOnly.Hits).Url);
        var suggested = await ApiClient.ReadAsync<List<SimilarView>>(
            await member.GetAsync($"/api/kb/similar?title={Uri.EscapeDataString($"How to export {word} reports")}"));
        Assert.Equal(["idea", "thread"], suggested.Select(i => i.Kind).Order());
    }
}

public sealed class FindTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    [Fact]
    public Task One_search_finds_threads_articles_and_stories_by_kind_within_what_the_reader_may_see() =>
        FindScenarios.One_search_finds_threads_articles_and_stories_by_kind_within_what_the_reader_may_see(factory);

    [Fact]
    public Task Suggestions_put_solved_threads_first_then_articles_then_open_threads() =>
        FindScenarios.Suggestions_put_solved_threads_first_then_articles_then_open_threads(factory);

    [Fact]
    public Task A_composer_left_after_opening_a_suggestion_counts_one_deflection() =>
        FindScenarios.A_composer_left_after_opening_a_suggestion_counts_one_deflection(factory);

    [Fact]
    public Task Racing_articles_for_one_slug_end_as_one_and_409s_never_500() =>
        FindScenarios.Racing_articles_for_one_slug_end_as_one_and_409s_never_500(factory);

    [Fact]
    public Task Ideas_are_found_and_suggested_as_ideas() => IdeaFindScenarios.Ideas_are_found_and_suggested_as_ideas(factory);
}

public sealed class PostgresFindTests(PostgresSearchDatabase database) : IClassFixture<PostgresSearchDatabase>
{
    [PostgresFact]
    public async Task One_search_finds_threads_articles_and_stories_by_kind_within_what_the_reader_may_see() =>
        await FindScenarios.One_search_finds_threads_articles_and_stories_by_kind_within_what_the_reader_may_see(await database.FactoryAsync());

    [PostgresFact]
    public async Task Suggestions_put_solved_threads_first_then_articles_then_open_threads() =>
        await FindScenarios.Suggestions_put_solved_threads_first_then_articles_then_open_threads(await database.FactoryAsync());

    [PostgresFact]
    public async Task A_composer_left_after_opening_a_suggestion_counts_one_deflection() =>
        await FindScenarios.A_composer_left_after_opening_a_suggestion_counts_one_deflection(await database.FactoryAsync());

    [PostgresFact]
    public async Task Racing_articles_for_one_slug_end_as_one_and_409s_never_500() =>
        await FindScenarios.Racing_articles_for_one_slug_end_as_one_and_409s_never_500(await database.FactoryAsync());

    [PostgresFact]
    public async Task Articles_promotion_and_helpfulness_work_on_postgres()
    {
        var factory = await database.FactoryAsync();
        using var admin = await factory.MemberAsync("Pg Admin", "Admin");
        using var asker = await factory.MemberAsync("Pg Asker");
        using var answerer = await factory.MemberAsync("Pg Answerer");
        var (thread, _) = await PromoteAnswerTests.SolvedAsync(admin, asker, answerer, "Postgres promotion question");
        var section = await Kb.SectionAsync(admin);
        var article = await ApiClient.ReadAsync<ArticleView>(await admin.PostAsync("/api/kb/promote",
            new { threadId = thread.Thread.Id, sectionId = section.Id }), HttpStatusCode.Created);
        await Kb.PublishAsync(admin, article.Id);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => asker.PutAsync($"/api/kb/articles/{article.Id}/feedback", new { helpful = true })));
        var rows = await ApiClient.ReadAsync<List<ArticleRow>>(await admin.GetAsync("/api/kb/articles"));
        Assert.Equal(1, rows.Single(r => r.Id == article.Id).Helpful);
        using var visitor = factory.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync(article.Url)).StatusCode);
    }
}
