using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>
/// A full-text index of thread titles alone, for similar-question suggestions. Matching titles through the post index read the
/// posting lists of every post holding a word (at 100,000 posts four common words took 40–100 ms); titles alone are one row per
/// thread. Kept in step with ForumThreads by triggers, so no write path has to remember it. SQLite: an FTS5 table over the
/// thread table (external content). PostgreSQL: a table of title vectors under GIN, in the <c>community_search</c> configuration.
/// Both are outside the EF model, like the post index.
/// </summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207110100_ThreadTitleSearch")]
public sealed class ThreadTitleSearch : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE ForumTitleSearch USING fts5(Title, content = 'ForumThreads', content_rowid = 'Id',
                  tokenize = 'porter unicode61', prefix = '2 3 4');
                CREATE TRIGGER ForumThreads_TitleSearch_Insert AFTER INSERT ON ForumThreads BEGIN
                  INSERT INTO ForumTitleSearch (rowid, Title) VALUES (new.Id, new.Title);
                END;
                CREATE TRIGGER ForumThreads_TitleSearch_Delete AFTER DELETE ON ForumThreads BEGIN
                  INSERT INTO ForumTitleSearch (ForumTitleSearch, rowid, Title) VALUES ('delete', old.Id, old.Title);
                END;
                CREATE TRIGGER ForumThreads_TitleSearch_Update AFTER UPDATE OF Title ON ForumThreads BEGIN
                  INSERT INTO ForumTitleSearch (ForumTitleSearch, rowid, Title) VALUES ('delete', old.Id, old.Title);
                  INSERT INTO ForumTitleSearch (rowid, Title) VALUES (new.Id, new.Title);
                END;
                INSERT INTO ForumTitleSearch (ForumTitleSearch) VALUES ('rebuild');
                """);
        }
        else if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            const string config = PostgresSearch.Config;
            migrationBuilder.Sql($"""
                CREATE TABLE "ForumTitleSearch" (
                  "ThreadId" bigint PRIMARY KEY REFERENCES "ForumThreads" ("Id") ON DELETE CASCADE,
                  "Document" tsvector NOT NULL);
                CREATE INDEX "IX_ForumTitleSearch_Document" ON "ForumTitleSearch" USING gin ("Document");
                CREATE FUNCTION community_title_search() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO "ForumTitleSearch" ("ThreadId", "Document")
                    VALUES (NEW."Id", to_tsvector('{config}'::regconfig, translate(NEW."Title", '<', E'\x01')))
                    ON CONFLICT ("ThreadId") DO UPDATE SET "Document" = excluded."Document";
                  RETURN NEW;
                END $$;
                CREATE TRIGGER "ForumThreads_TitleSearch" AFTER INSERT OR UPDATE OF "Title" ON "ForumThreads"
                  FOR EACH ROW EXECUTE FUNCTION community_title_search();
                INSERT INTO "ForumTitleSearch" ("ThreadId", "Document")
                  SELECT "Id", to_tsvector('{config}'::regconfig, translate("Title", '<', E'\x01')) FROM "ForumThreads";
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS ForumThreads_TitleSearch_Insert;
                DROP TRIGGER IF EXISTS ForumThreads_TitleSearch_Delete;
                DROP TRIGGER IF EXISTS ForumThreads_TitleSearch_Update;
                DROP TABLE IF EXISTS ForumTitleSearch;
                """);
        }
        else if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "ForumThreads_TitleSearch" ON "ForumThreads";
                DROP FUNCTION IF EXISTS community_title_search();
                DROP TABLE IF EXISTS "ForumTitleSearch";
                """);
        }
    }
}
