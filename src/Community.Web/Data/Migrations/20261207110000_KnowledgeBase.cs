using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>
/// The knowledge base: sections, articles with revisions and old slugs, helpfulness answers, opened suggestions (deflections),
/// and a full-text index of published articles outside the EF model, as the forum's: SQLite FTS5 (prefix-indexed like
/// ForumSearch) or, on PostgreSQL, a table with a generated weighted tsvector (title 'A') under GIN, in the forum's
/// <c>community_search</c> configuration.
/// </summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207110000_KnowledgeBase")]
public sealed class KnowledgeBase : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "KbSections",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Slug = table.Column<string>(maxLength: 120, nullable: false),
                Title = table.Column<string>(maxLength: 80, nullable: false),
                Description = table.Column<string>(maxLength: 300, nullable: false),
                Position = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_KbSections", x => x.Id));

        migrationBuilder.CreateTable(
            name: "KbArticles",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                SectionId = table.Column<int>(nullable: false),
                Slug = table.Column<string>(maxLength: 120, nullable: false),
                Title = table.Column<string>(maxLength: 160, nullable: false),
                Summary = table.Column<string>(maxLength: 300, nullable: false),
                Body = table.Column<string>(nullable: false),
                Html = table.Column<string>(nullable: false),
                Status = table.Column<string>(maxLength: 16, nullable: false),
                SourceThreadId = table.Column<long>(nullable: true),
                SourceUrl = table.Column<string>(maxLength: 300, nullable: true),
                CreditMemberId = table.Column<string>(maxLength: 450, nullable: true),
                AuthorId = table.Column<string>(maxLength: 450, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                PublishedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_KbArticles", x => x.Id);
                table.ForeignKey("FK_KbArticles_KbSections_SectionId", x => x.SectionId, "KbSections", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "KbArticleRevisions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ArticleId = table.Column<int>(nullable: false),
                Number = table.Column<int>(nullable: false),
                Title = table.Column<string>(maxLength: 160, nullable: false),
                Summary = table.Column<string>(maxLength: 300, nullable: false),
                Body = table.Column<string>(nullable: false),
                AuthorId = table.Column<string>(maxLength: 450, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_KbArticleRevisions", x => x.Id);
                table.ForeignKey("FK_KbArticleRevisions_KbArticles_ArticleId", x => x.ArticleId, "KbArticles", "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "KbSlugRedirects",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                OldSlug = table.Column<string>(maxLength: 120, nullable: false),
                ArticleId = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_KbSlugRedirects", x => x.Id);
                table.ForeignKey("FK_KbSlugRedirects_KbArticles_ArticleId", x => x.ArticleId, "KbArticles", "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "KbFeedback",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ArticleId = table.Column<int>(nullable: false),
                VoterKey = table.Column<string>(maxLength: 460, nullable: false),
                Helpful = table.Column<bool>(nullable: false),
                Comment = table.Column<string>(maxLength: 1000, nullable: true),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_KbFeedback", x => x.Id);
                table.ForeignKey("FK_KbFeedback_KbArticles_ArticleId", x => x.ArticleId, "KbArticles", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "KbSuggestionOpenings",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Token = table.Column<string>(maxLength: 64, nullable: false),
                MemberId = table.Column<string>(maxLength: 450, nullable: true),
                Url = table.Column<string>(maxLength: 300, nullable: false),
                OpenedAt = table.Column<DateTime>(nullable: false),
                DeflectedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_KbSuggestionOpenings", x => x.Id));

        migrationBuilder.CreateIndex("IX_KbSections_Slug", "KbSections", "Slug", unique: true);
        migrationBuilder.CreateIndex("IX_KbArticles_Slug", "KbArticles", "Slug", unique: true);
        migrationBuilder.CreateIndex("IX_KbArticles_SectionId", "KbArticles", "SectionId");
        migrationBuilder.CreateIndex("IX_KbArticles_SourceThreadId", "KbArticles", "SourceThreadId", unique: true);
        migrationBuilder.CreateIndex("IX_KbArticleRevisions_ArticleId_Number", "KbArticleRevisions", ["ArticleId", "Number"], unique: true);
        migrationBuilder.CreateIndex("IX_KbSlugRedirects_OldSlug", "KbSlugRedirects", "OldSlug", unique: true);
        migrationBuilder.CreateIndex("IX_KbSlugRedirects_ArticleId", "KbSlugRedirects", "ArticleId");
        migrationBuilder.CreateIndex("IX_KbFeedback_ArticleId_VoterKey", "KbFeedback", ["ArticleId", "VoterKey"], unique: true);
        migrationBuilder.CreateIndex("IX_KbSuggestionOpenings_Token", "KbSuggestionOpenings", "Token", unique: true);
        migrationBuilder.CreateIndex("IX_KbSuggestionOpenings_DeflectedAt", "KbSuggestionOpenings", "DeflectedAt");

        if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            migrationBuilder.Sql("CREATE VIRTUAL TABLE KbSearch USING fts5(title, body, article_id UNINDEXED, "
                + "tokenize = 'porter unicode61', prefix = '2 3 4');");
        }
        else if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            const string config = PostgresSearch.Config;
            migrationBuilder.Sql($"""
                CREATE TABLE "KbSearch" (
                  "ArticleId" integer PRIMARY KEY REFERENCES "KbArticles" ("Id") ON DELETE CASCADE,
                  "Title" text NOT NULL,
                  "Body" text NOT NULL,
                  "Document" tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('{config}'::regconfig, translate("Title", '<', E'\x01')), 'A')
                    || to_tsvector('{config}'::regconfig, translate("Body", '<', E'\x01'))) STORED);
                CREATE INDEX "IX_KbSearch_Document" ON "KbSearch" USING gin ("Document");
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite"
            ? "DROP TABLE IF EXISTS KbSearch;" : "DROP TABLE IF EXISTS \"KbSearch\";");
        migrationBuilder.DropTable(name: "KbSuggestionOpenings");
        migrationBuilder.DropTable(name: "KbFeedback");
        migrationBuilder.DropTable(name: "KbSlugRedirects");
        migrationBuilder.DropTable(name: "KbArticleRevisions");
        migrationBuilder.DropTable(name: "KbArticles");
        migrationBuilder.DropTable(name: "KbSections");
    }
}
