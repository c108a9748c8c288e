using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>
/// PostgreSQL only: the full-text index PostgresForumSearch keeps, the counterpart of SQLite's FTS5 ForumSearch table (one row
/// per visible post, the title on the first post only), with a generated, weighted <c>tsvector</c> and a GIN index.
/// It is outside the EF model, like the FTS5 table, so the schema both providers share stays the same.
/// The text search configuration stems English words but keeps stop words ("the" is searchable, as on SQLite's porter
/// tokenizer). A '&lt;' would make PostgreSQL's parser read "&lt;word&gt;" as a tag and drop the word, so it is read as a blank.
/// Existing posts are copied in with their HTML reduced to text here (close to MarkdownRenderer.PlainText); the next edit of
/// a post stores the exact text.
/// </summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207060600_PostgresSearch")]
public sealed class PostgresSearch : Migration
{
    internal const string Config = "community_search";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL") return;
        migrationBuilder.Sql($"""
            CREATE TEXT SEARCH DICTIONARY {Config}_stem (TEMPLATE = snowball, Language = english);
            CREATE TEXT SEARCH CONFIGURATION {Config} (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION {Config}
              ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH {Config}_stem;
            CREATE TABLE "ForumSearch" (
              "PostId" bigint PRIMARY KEY REFERENCES "ForumPosts" ("Id") ON DELETE CASCADE,
              "ThreadId" bigint NOT NULL,
              "CategoryId" integer NOT NULL,
              "Title" text NOT NULL,
              "Body" text NOT NULL,
              "Document" tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('{Config}'::regconfig, translate("Title", '<', E'\x01')), 'A')
                || to_tsvector('{Config}'::regconfig, translate("Body", '<', E'\x01'))) STORED);
            CREATE INDEX "IX_ForumSearch_Document" ON "ForumSearch" USING gin ("Document");
            CREATE INDEX "IX_ForumSearch_ThreadId" ON "ForumSearch" ("ThreadId");
            INSERT INTO "ForumSearch" ("PostId", "ThreadId", "CategoryId", "Title", "Body")
              SELECT p."Id", p."ThreadId", t."CategoryId", CASE WHEN p."Seq" = 1 THEN translate(t."Title", E'\x02\x03', '') ELSE '' END,
                     left(btrim(regexp_replace(translate(
                       replace(replace(replace(replace(replace(regexp_replace(p."Html", '<[^>]*>', ' ', 'g'),
                         '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&'),
                       E'\x02\x03', ''), '\s+', ' ', 'g')), 70000)
              FROM "ForumPosts" p JOIN "ForumThreads" t ON t."Id" = p."ThreadId"
              WHERE NOT p."IsHidden" AND NOT p."IsDeleted" AND NOT t."IsDeleted";
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != "Npgsql.EntityFrameworkCore.PostgreSQL") return;
        migrationBuilder.Sql($"""
            DROP TABLE IF EXISTS "ForumSearch";
            DROP TEXT SEARCH CONFIGURATION IF EXISTS {Config};
            DROP TEXT SEARCH DICTIONARY IF EXISTS {Config}_stem;
            """);
    }
}
