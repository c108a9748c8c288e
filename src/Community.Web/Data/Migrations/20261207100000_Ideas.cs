using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Ideas (issue #15): a category kind, each idea's status and vote count, and one vote per member per idea.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207100000_Ideas")]
public sealed class Ideas : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "Kind", table: "ForumCategories", maxLength: 20, nullable: false, defaultValue: "discussion");
        migrationBuilder.CreateTable(
            name: "Ideas",
            columns: table => new
            {
                ThreadId = table.Column<long>(nullable: false),
                Status = table.Column<string>(maxLength: 20, nullable: false),
                StatusNote = table.Column<string>(maxLength: 500, nullable: true),
                StatusChangedAt = table.Column<DateTime>(nullable: true),
                AnnouncementUrl = table.Column<string>(maxLength: 300, nullable: true),
                VoteCount = table.Column<int>(nullable: false),
                MergedIntoId = table.Column<long>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Ideas", x => x.ThreadId);
                table.ForeignKey("FK_Ideas_ForumThreads_ThreadId", x => x.ThreadId, "ForumThreads", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_Ideas_Status", "Ideas", "Status");
        migrationBuilder.CreateTable(
            name: "IdeaVotes",
            columns: table => new
            {
                ThreadId = table.Column<long>(nullable: false),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_IdeaVotes", x => new { x.ThreadId, x.MemberId });
                table.ForeignKey("FK_IdeaVotes_ForumThreads_ThreadId", x => x.ThreadId, "ForumThreads", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_IdeaVotes_MemberId", "IdeaVotes", "MemberId");
        migrationBuilder.CreateIndex("IX_IdeaVotes_ThreadId_CreatedAt", "IdeaVotes", ["ThreadId", "CreatedAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "IdeaVotes");
        migrationBuilder.DropTable(name: "Ideas");
        migrationBuilder.DropColumn(name: "Kind", table: "ForumCategories");
    }
}
