using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Forums: categories, threads, posts with per-thread sequence numbers, reactions, flags, moderation, notifications; SQLite FTS5 search.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261122100000_Forums")]
public sealed class Forums : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ForumCategories",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Slug = table.Column<string>(maxLength: 80, nullable: false),
                Name = table.Column<string>(maxLength: 80, nullable: false),
                Description = table.Column<string>(maxLength: 500, nullable: false),
                Position = table.Column<int>(nullable: false),
                IsQa = table.Column<bool>(nullable: false),
                ReadRoles = table.Column<string>(maxLength: 200, nullable: true),
                ThreadCount = table.Column<int>(nullable: false),
                PostCount = table.Column<int>(nullable: false),
                LastActivityAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ForumCategories", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ForumThreads",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                CategoryId = table.Column<int>(nullable: false),
                AuthorId = table.Column<string>(maxLength: 450, nullable: false),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                Slug = table.Column<string>(maxLength: 200, nullable: false),
                Summary = table.Column<string>(maxLength: 300, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastPostAt = table.Column<DateTime>(nullable: false),
                LastSeq = table.Column<int>(nullable: false),
                Version = table.Column<long>(nullable: false),
                IsLocked = table.Column<bool>(nullable: false),
                IsPinned = table.Column<bool>(nullable: false),
                IsDeleted = table.Column<bool>(nullable: false),
                AcceptedSeq = table.Column<int>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ForumThreads", x => x.Id);
                table.ForeignKey("FK_ForumThreads_ForumCategories_CategoryId", x => x.CategoryId, "ForumCategories", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ForumPosts",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ThreadId = table.Column<long>(nullable: false),
                Seq = table.Column<int>(nullable: false),
                AuthorId = table.Column<string>(maxLength: 450, nullable: false),
                Body = table.Column<string>(nullable: false),
                Html = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                EditedAt = table.Column<DateTime>(nullable: true),
                IsHidden = table.Column<bool>(nullable: false),
                IsDeleted = table.Column<bool>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ForumPosts", x => x.Id);
                table.ForeignKey("FK_ForumPosts_ForumThreads_ThreadId", x => x.ThreadId, "ForumThreads", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ForumPostRevisions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                PostId = table.Column<long>(nullable: false),
                EditorId = table.Column<string>(maxLength: 450, nullable: false),
                Body = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ForumPostRevisions", x => x.Id);
                table.ForeignKey("FK_ForumPostRevisions_ForumPosts_PostId", x => x.PostId, "ForumPosts", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ForumReactions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                PostId = table.Column<long>(nullable: false),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Kind = table.Column<string>(maxLength: 20, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ForumReactions", x => x.Id);
                table.ForeignKey("FK_ForumReactions_ForumPosts_PostId", x => x.PostId, "ForumPosts", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ForumFlags",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                PostId = table.Column<long>(nullable: false),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ResolvedAt = table.Column<DateTime>(nullable: true),
                ResolvedById = table.Column<string>(maxLength: 450, nullable: true),
                Resolution = table.Column<string>(maxLength: 20, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ForumFlags", x => x.Id);
                table.ForeignKey("FK_ForumFlags_ForumPosts_PostId", x => x.PostId, "ForumPosts", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ForumModActions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ModeratorId = table.Column<string>(maxLength: 450, nullable: false),
                Action = table.Column<string>(maxLength: 40, nullable: false),
                Target = table.Column<string>(maxLength: 200, nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ForumModActions", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ForumSanctions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Kind = table.Column<string>(maxLength: 20, nullable: false),
                Until = table.Column<DateTime>(nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: false),
                CreatedById = table.Column<string>(maxLength: 450, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LiftedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ForumSanctions", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ForumThreadReads",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                ThreadId = table.Column<long>(nullable: false),
                LastReadSeq = table.Column<int>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ForumThreadReads", x => new { x.MemberId, x.ThreadId });
                table.ForeignKey("FK_ForumThreadReads_ForumThreads_ThreadId", x => x.ThreadId, "ForumThreads", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ForumThreadWatches",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                ThreadId = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ForumThreadWatches", x => new { x.ThreadId, x.MemberId });
                table.ForeignKey("FK_ForumThreadWatches_ForumThreads_ThreadId", x => x.ThreadId, "ForumThreads", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "ForumNotifications",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Kind = table.Column<string>(maxLength: 20, nullable: false),
                ThreadId = table.Column<long>(nullable: false),
                Seq = table.Column<int>(nullable: false),
                Text = table.Column<string>(maxLength: 300, nullable: false),
                Url = table.Column<string>(maxLength: 300, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ReadAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ForumNotifications", x => x.Id));

        migrationBuilder.CreateIndex("IX_ForumCategories_Slug", "ForumCategories", "Slug", unique: true);
        migrationBuilder.CreateIndex("IX_ForumThreads_CategoryId_LastPostAt", "ForumThreads", ["CategoryId", "LastPostAt"]);
        migrationBuilder.CreateIndex("IX_ForumThreads_LastPostAt", "ForumThreads", "LastPostAt");
        migrationBuilder.CreateIndex("IX_ForumPosts_ThreadId_Seq", "ForumPosts", ["ThreadId", "Seq"], unique: true);
        migrationBuilder.CreateIndex("IX_ForumPosts_AuthorId", "ForumPosts", "AuthorId");
        migrationBuilder.CreateIndex("IX_ForumPostRevisions_PostId", "ForumPostRevisions", "PostId");
        migrationBuilder.CreateIndex("IX_ForumReactions_PostId_MemberId_Kind", "ForumReactions", ["PostId", "MemberId", "Kind"], unique: true);
        migrationBuilder.CreateIndex("IX_ForumFlags_PostId_MemberId", "ForumFlags", ["PostId", "MemberId"], unique: true);
        migrationBuilder.CreateIndex("IX_ForumFlags_ResolvedAt", "ForumFlags", "ResolvedAt");
        migrationBuilder.CreateIndex("IX_ForumModActions_CreatedAt", "ForumModActions", "CreatedAt");
        migrationBuilder.CreateIndex("IX_ForumSanctions_MemberId_Until", "ForumSanctions", ["MemberId", "Until"]);
        migrationBuilder.CreateIndex("IX_ForumThreadReads_ThreadId", "ForumThreadReads", "ThreadId");
        migrationBuilder.CreateIndex("IX_ForumNotifications_MemberId_Id", "ForumNotifications", ["MemberId", "Id"]);

        if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            // Full-text index of visible posts (title only on the first post); kept in sync by SqliteForumSearch.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE ForumSearch USING fts5(title, body, post_id UNINDEXED, thread_id UNINDEXED, category_id UNINDEXED, tokenize = 'porter unicode61');");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite") migrationBuilder.Sql("DROP TABLE IF EXISTS ForumSearch;");
        foreach (var table in new[] { "ForumNotifications", "ForumThreadWatches", "ForumThreadReads", "ForumSanctions", "ForumModActions", "ForumFlags", "ForumReactions", "ForumPostRevisions", "ForumPosts", "ForumThreads", "ForumCategories" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
