using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Knowledge;

public sealed record FeedbackCommentView(bool Helpful, string Comment);
public sealed record ArticleFeedbackView(int Helpful, int NotHelpful, List<FeedbackCommentView> Comments);

/// <summary>"Was this helpful?": one answer per member or per visitor cookie, repeating replaces it; staff see counts and comments.</summary>
public sealed class HelpfulnessTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    private static Task<HttpResponseMessage> AnswerAsync(ApiClient client, int id, bool helpful, string? comment = null) =>
        client.PutAsync($"/api/kb/articles/{id}/feedback", new { helpful, comment });

    [Fact]
    public async Task One_answer_per_member_and_per_visitor_cookie_and_repeating_replaces_it()
    {
        using var staff = await factory.MemberAsync("Helpful Staff", "Moderator");
        using var member = await factory.MemberAsync("Helpful Member");
        using var visitor = factory.CreateApiClient();
        using var otherVisitor = factory.CreateApiClient();
        var section = await Kb.SectionAsync(staff);
        var article = await Kb.PublishedAsync(staff, section.Id, "Change your plan");

        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(member, article.Id, false, "Missing the annual plan")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(member, article.Id, true, "Found it, thanks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(visitor, article.Id, false)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(visitor, article.Id, false, "Screenshots please")).StatusCode);
        // Once the visitor holds the cookie (from the first answer), racing repeats still leave one answer.
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(otherVisitor, article.Id, false)).StatusCode);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => AnswerAsync(otherVisitor, article.Id, true)));

        var feedback = await ApiClient.ReadAsync<ArticleFeedbackView>(await staff.GetAsync($"/api/kb/articles/{article.Id}/feedback"));
        Assert.Equal(2, feedback.Helpful);
        Assert.Equal(1, feedback.NotHelpful);
        Assert.Equal(["Screenshots please", "Found it, thanks"], feedback.Comments.Select(c => c.Comment).Order().Reverse());
        var rows = await ApiClient.ReadAsync<List<ArticleRow>>(await staff.GetAsync("/api/kb/articles"));
        var row = rows.Single(r => r.Id == article.Id);
        Assert.Equal((2, 1, 2), (row.Helpful, row.NotHelpful, row.Comments));
        await ApiClient.ProblemAsync(await member.GetAsync($"/api/kb/articles/{article.Id}/feedback"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Drafts_take_no_answers_and_bad_input_is_400()
    {
        using var staff = await factory.MemberAsync("Draft Staff", "Marketing");
        using var member = await factory.MemberAsync("Draft Member");
        var section = await Kb.SectionAsync(staff);
        var draft = await Kb.DraftAsync(staff, section.Id, "Unfinished");
        await ApiClient.ProblemAsync(await AnswerAsync(member, draft.Id, true), HttpStatusCode.NotFound);
        await Kb.PublishAsync(staff, draft.Id);
        var tooLong = await ApiClient.ProblemAsync(await AnswerAsync(member, draft.Id, true, new string('x', 1001)), HttpStatusCode.BadRequest);
        Assert.True(tooLong.Errors!.ContainsKey("comment"));
        var missing = await ApiClient.ProblemAsync(await member.PutAsync($"/api/kb/articles/{draft.Id}/feedback", new { comment = "hm" }),
            HttpStatusCode.BadRequest);
        Assert.True(missing.Errors!.ContainsKey("helpful"));
    }
}

/// <summary>A member's helpfulness answers are in their data download and go when they erase their account.</summary>
public sealed class KnowledgeMemberDataTests(ForumFactory factory) : IClassFixture<ForumFactory>
{
    [Fact]
    public async Task Downloading_my_data_includes_my_answers_and_erasing_removes_them()
    {
        using var staff = await factory.MemberAsync("Data Staff", "Marketing");
        using var member = await factory.MemberAsync("Data Member");
        var section = await Kb.SectionAsync(staff);
        var article = await Kb.PublishedAsync(staff, section.Id, "Delete your workspace");
        Assert.Equal(HttpStatusCode.OK, (await member.PutAsync($"/api/kb/articles/{article.Id}/feedback",
            new { helpful = false, comment = "My very own remark" })).StatusCode);
        var export = await (await member.GetAsync("/api/me/export")).Content.ReadAsStringAsync();
        Assert.Contains("My very own remark", export);

        Assert.Equal(HttpStatusCode.NoContent, (await member.PostAsync("/api/me/erase", new { password = ApiClient.DefaultPassword })).StatusCode);
        var feedback = await ApiClient.ReadAsync<ArticleFeedbackView>(await staff.GetAsync($"/api/kb/articles/{article.Id}/feedback"));
        Assert.Equal((0, 0), (feedback.Helpful, feedback.NotHelpful));
        Assert.Empty(feedback.Comments);
    }
}
