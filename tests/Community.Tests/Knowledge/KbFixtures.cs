using Community.Tests.Forums;
using Community.Tests.Infrastructure;

namespace Community.Tests.Knowledge;

public sealed record SectionView(int Id, string Slug, string Title);
public sealed record ArticleView(int Id, int SectionId, string Slug, string Title, string Summary, string Body, string Status, string Url,
    string? SourceUrl, string[] RedirectFrom);
public sealed record ArticleRow(int Id, string Slug, string Title, string Status, string Url, int Helpful, int NotHelpful, int Comments,
    bool Promoted);
public sealed record KbRevisionView(int Number, string Title, string? AuthorName);

/// <summary>Shortcuts shared by the knowledge-base tests.</summary>
public static class Kb
{
    public static string Unique(string stem) => $"{stem}-{Guid.NewGuid():N}"[..(stem.Length + 9)];

    public static async Task<SectionView> SectionAsync(ApiClient staff, string? title = null) =>
        await ApiClient.ReadAsync<SectionView>(await staff.PostAsync("/api/kb/sections",
            new { title = title ?? Unique("Section"), slug = Unique("section"), description = "Test section" }), HttpStatusCode.Created);

    public static async Task<ArticleView> DraftAsync(ApiClient staff, int sectionId, string title, string body = "Some **text**.",
        string? slug = null, string summary = "A short summary.") =>
        await ApiClient.ReadAsync<ArticleView>(await staff.PostAsync("/api/kb/articles", new { sectionId, title, slug, summary, body }),
            HttpStatusCode.Created);

    public static async Task<ArticleView> PublishAsync(ApiClient staff, int id) =>
        await ApiClient.ReadAsync<ArticleView>(await staff.PostAsync($"/api/kb/articles/{id}/publish"));

    public static async Task<ArticleView> PublishedAsync(ApiClient staff, int sectionId, string title, string body = "Some **text**.") =>
        await PublishAsync(staff, (await DraftAsync(staff, sectionId, title, body, Unique("article"))).Id);
}
