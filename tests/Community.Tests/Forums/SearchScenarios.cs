using Community.Tests.Infrastructure;

namespace Community.Tests.Forums;

/// <summary>
/// What search must do on either database: the SQLite tests (<see cref="SearchTests"/>) and the PostgreSQL ones
/// (<see cref="PostgresSearchTests"/>) run these same assertions.
/// </summary>
internal static class SearchScenarios
{
    private static async Task<List<HitView>> SearchAsync(ApiClient client, string q, int? page = null) =>
        await ApiClient.ReadAsync<List<HitView>>(await client.GetAsync($"/api/search?q={Uri.EscapeDataString(q)}" + (page is { } p ? $"&page={p}" : "")));

    public static async Task A_cached_search_by_a_moderator_never_shows_private_hits_to_a_member(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Search Admin", "Admin");
        using var moderator = await factory.MemberAsync("Search Mod", "Moderator");
        using var member = await factory.MemberAsync("Search Member");
        using var anonymous = factory.CreateApiClient();
        var staff = await Forum.CategoryAsync(admin, false, "Moderator");
        var open = await Forum.CategoryAsync(admin);
        var word = "quokka" + Guid.NewGuid().ToString("N")[..6];
        var secret = await Forum.ThreadAsync(moderator, staff.Id, "Staff notes " + word, "internal " + word);
        var visible = await Forum.ThreadAsync(member, open.Id, "Public question " + word, "public " + word);

        // The moderator's answer (both threads) is cached first; the same words from others must not reuse it.
        var staffHits = await SearchAsync(moderator, word);
        Assert.Contains(staffHits, h => h.ThreadId == secret.Thread.Id);
        foreach (var outsider in new[] { member, anonymous })
        {
            var hits = await SearchAsync(outsider, word);
            Assert.Contains(hits, h => h.ThreadId == visible.Thread.Id);
            Assert.DoesNotContain(hits, h => h.ThreadId == secret.Thread.Id);
        }
    }

    public static async Task A_hidden_post_leaves_search_results_at_once_and_a_new_reply_appears(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Hide Admin", "Admin");
        using var member = await factory.MemberAsync("Hide Member");
        var category = await Forum.CategoryAsync(admin);
        var word = "wombat" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(member, category.Id, "Marsupials", "I like " + word);
        var reply = await Forum.ReplyAsync(member, created.Thread.Id, "Spam about " + word);
        var before = await SearchAsync(member, word);
        Assert.Equal(2, before.Count);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/posts/{reply.Id}/hide", new { reason = "spam" })).StatusCode);
        var after = await SearchAsync(member, word);
        Assert.Equal([1], after.Select(h => h.Seq));

        await Forum.ReplyAsync(member, created.Thread.Id, "More about " + word);
        var fresh = await SearchAsync(member, word);
        Assert.Equal(2, fresh.Count);
    }

    public static async Task A_common_word_still_finds_the_best_match_among_the_newest_posts_and_a_rare_word_finds_an_old_post(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Rank Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var common = "okapi" + Guid.NewGuid().ToString("N")[..6];
        var rare = "tapir" + Guid.NewGuid().ToString("N")[..6];
        var old = await Forum.ThreadAsync(admin, category.Id, "An old thread", $"{common} and the only {rare}");
        var titled = await Forum.ThreadAsync(admin, category.Id, $"All about {common}", $"{common} {common} {common}");
        for (var i = 0; i < 40; i++) await Forum.ReplyAsync(admin, titled.Thread.Id, $"Reply {i} mentions {common} once among many other words here");

        var hits = await SearchAsync(admin, common);
        Assert.Equal(30, hits.Count);
        Assert.Equal((titled.Thread.Id, 1), (hits[0].ThreadId, hits[0].Seq)); // title and body weigh most
        var found = await SearchAsync(admin, rare);
        Assert.Equal(old.Thread.Id, Assert.Single(found).ThreadId);
        // Pages continue the ranking: the rest of the 42 matches, none twice.
        var second = await SearchAsync(admin, common, 2);
        Assert.Equal(12, second.Count);
        Assert.Empty(hits.Select(h => (h.ThreadId, h.Seq)).Intersect(second.Select(h => (h.ThreadId, h.Seq))));
    }

    public static async Task Search_finds_titles_and_posts_with_highlighted_snippets_that_stay_text(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Admin Search", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var word = "quokka" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(admin, category.Id, $"About {word} exports", "Nothing here");
        await Forum.ReplyAsync(admin, created.Thread.Id, $"The <{word}> trick is <b>bold</b> & <script>alert(1)</script> \"quoted\"");
        using var anonymous = factory.CreateApiClient();
        var hits = await SearchAsync(anonymous, word);
        Assert.Equal(2, hits.Count);
        var reply = hits.Single(h => h.Seq == 2);
        Assert.Contains($"<mark>{word}</mark>&gt;", reply.Snippet, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", reply.Snippet, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", reply.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", reply.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", reply.Snippet, StringComparison.Ordinal);
        Assert.Equal(2, reply.Snippet.Split('<').Length - 1); // only <mark> and </mark> are markup
        Assert.Contains("<mark>", hits.Single(h => h.Seq == 1).Title, StringComparison.Ordinal);
        await ApiClient.ProblemAsync(await anonymous.GetAsync("/api/search?q="), HttpStatusCode.BadRequest);
    }

    public static async Task A_word_typed_in_part_finds_the_post(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Prefix Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var word = "bandicoot" + Guid.NewGuid().ToString("N")[..6];
        var created = await Forum.ThreadAsync(admin, category.Id, "Peramelemorphia", "Seen a " + word + " today");
        var hits = await SearchAsync(admin, word[..12]);
        Assert.Equal(created.Thread.Id, Assert.Single(hits).ThreadId);
        Assert.Contains($"<mark>{word}</mark>", hits[0].Snippet, StringComparison.Ordinal);
    }

    /// <summary>Quotes, search operators, NUL bytes, control characters and huge strings: a 400 problem or a list, never a 500.</summary>
    public static async Task Hostile_queries_answer_400_or_results_never_500(ForumFactory factory)
    {
        using var admin = await factory.MemberAsync("Hostile Admin", "Admin");
        var category = await Forum.CategoryAsync(admin);
        var word = "dunnart" + Guid.NewGuid().ToString("N")[..6];
        await Forum.ThreadAsync(admin, category.Id, "Dasyuridae", "The " + word + " hunts at night");
        string[] queries =
        [
            "'", "\"", "''", "\"unterminated", "a & b", "!", "!!x", "a | | b", "(", ")", "((a)", ":*", "x:*", "a <-> b", "a <2> b", "-",
            "- -", "OR", "or or", "\\", "%", "_", "__", "\0", "a\0b", word + "\0", "\u0001\u0002\u0003", "' OR 1=1 --", "'; DROP TABLE x; --",
            "😀", "\u200b", new string('x', 200), string.Join(' ', Enumerable.Repeat("ab", 100)), new string('a', 10_000),
            string.Concat(Enumerable.Repeat("\"a\" ", 2_500)), "\"" + word + "\"", "-" + word, word + ":*", "!" + word, word + " OR nothing",
        ];
        foreach (var q in queries)
        {
            var response = await admin.GetAsync("/api/search?q=" + Uri.EscapeDataString(q));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
                $"q={Uri.EscapeDataString(q)[..Math.Min(60, Uri.EscapeDataString(q).Length)]}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
            if (response.StatusCode == HttpStatusCode.BadRequest) await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest);
        }
        // Operators around a real word are read as words: the post is still found.
        foreach (var q in new[] { "\"" + word + "\"", "-" + word, word + ":*", "!" + word, word + "\0" })
            Assert.Single(await SearchAsync(admin, q));
    }
}
