using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>
/// SQLite only: rebuilds the full-text index with prefix indexes for 2–4 characters. Search matches every term as a prefix
/// ("sync" finds "syncing"), and without these a short common prefix merges the lists of every word it starts, which is
/// what made a common word slow on a large forum. Existing rows are copied over.
/// </summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261202170000_SearchPrefixIndex")]
public sealed class SearchPrefixIndex : Migration
{
    private const string Columns = "title, body, post_id UNINDEXED, thread_id UNINDEXED, category_id UNINDEXED";

    protected override void Up(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, ", prefix = '2 3 4'");

    protected override void Down(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, "");

    private static void Rebuild(MigrationBuilder migrationBuilder, string prefix)
    {
        if (migrationBuilder.ActiveProvider != "Microsoft.EntityFrameworkCore.Sqlite") return;
        migrationBuilder.Sql($"CREATE VIRTUAL TABLE ForumSearchNew USING fts5({Columns}, tokenize = 'porter unicode61'{prefix});");
        migrationBuilder.Sql("INSERT INTO ForumSearchNew (rowid, title, body, post_id, thread_id, category_id) SELECT rowid, title, body, post_id, thread_id, category_id FROM ForumSearch;");
        migrationBuilder.Sql("DROP TABLE ForumSearch;");
        migrationBuilder.Sql("ALTER TABLE ForumSearchNew RENAME TO ForumSearch;");
    }
}
