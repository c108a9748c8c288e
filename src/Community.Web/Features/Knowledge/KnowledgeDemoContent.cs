using Community.Web.Data;
using Community.Web.Features.Demo;
using Community.Web.Features.Knowledge.Search;
using Community.Web.Features.Publishing;

namespace Community.Web.Features.Knowledge;

/// <summary>A few published articles in two sections, so the demo's help center, search and suggestions have something to show.</summary>
internal sealed class KnowledgeDemoContent(CommunityDb db, StoryMarkdown markdown, IArticleSearch search, KbCatalog catalog, TimeProvider clock)
    : IDemoContent
{
    public int Order => 40;

    private static readonly (string Section, string Slug, string Title, string Summary, string Body)[] Articles =
    [
        ("getting-started", "invite-your-team", "Invite your team", "Add teammates, pick their roles and resend invitations.", """
            Open **Settings → Team** and choose **Invite**. Enter one address per line; each person gets an email with a link that works
            for seven days.

            :::tip
            Invite a whole department at once by pasting a column from your spreadsheet.
            :::

            | Role | Can |
            | --- | --- |
            | Viewer | read dashboards and reports |
            | Editor | build dashboards and automations |
            | Admin | manage billing, members and integrations |
            """),
        ("getting-started", "connect-your-first-data-source", "Connect your first data source",
            "Link a database, a spreadsheet or an app in a few minutes.", """
            Choose **Data → Add source** and pick the kind of source. Databases need a read-only user; apps connect with a sign-in.

            :::note
            The first sync copies the last 90 days. Older data follows in the background.
            :::

            ## When the sync seems stuck

            A large first sync can take an hour. The status page shows how many rows arrived so far.
            """),
        ("billing-and-data", "export-your-data-to-csv", "Export your data to CSV", "Download every table, report or invoice as CSV.", """
            Every table and report has an **Export** button in its toolbar. Exports of more than 100,000 rows are emailed as a link.

            :::warning
            Exports follow the viewer's permissions: rows you cannot see are not exported.
            :::
            """),
        ("billing-and-data", "change-your-plan", "Change your plan or billing cycle",
            "Upgrade, downgrade or switch to yearly billing from the billing page.", """
            Go to **Settings → Billing → Plan**. Upgrades take effect at once and are prorated; downgrades apply at the next renewal.

            Switching to yearly billing saves two months and keeps your renewal date.
            """),
        ("billing-and-data", "download-invoices", "Download past invoices", "Find, download and forward invoices for your accountant.", """
            **Settings → Billing → Invoices** lists every invoice with a PDF download. Add an accounting email address there and every
            new invoice is sent to it too.
            """),
    ];

    public async Task SeedAsync(DemoMembers members, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var sections = new Dictionary<string, KbSection>(StringComparer.Ordinal)
        {
            ["getting-started"] = new()
            {
                Slug = "getting-started", Title = "Getting started", Description = "Set up your workspace and team.", Position = 1,
            },
            ["billing-and-data"] = new()
            {
                Slug = "billing-and-data", Title = "Billing and data", Description = "Plans, invoices and your data.", Position = 2,
            },
        };
        await using var write = await db.BeginWriteAsync(ct);
        db.AddRange(sections.Values);
        await db.SaveChangesAsync(ct);
        var author = members["moderator"].Id;
        foreach (var (section, slug, title, summary, text) in Articles)
        {
            var article = new KbArticle
            {
                SectionId = sections[section].Id, Slug = slug, Title = title, Summary = summary, Body = text, Html = markdown.ToHtml(text),
                Status = KbStatus.Published, AuthorId = author, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
            };
            db.Add(article);
            await db.SaveChangesAsync(ct);
            db.Add(new KbArticleRevision
            {
                ArticleId = article.Id, Number = 1, Title = title, Summary = summary, Body = text, AuthorId = author, CreatedAt = now,
            });
            await search.IndexAsync(db, article, ct);
        }
        await db.SaveChangesAsync(ct);
        await write.CommitAsync(ct);
        catalog.Invalidate();
    }
}
