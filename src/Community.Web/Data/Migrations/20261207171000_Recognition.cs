using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Badges members hold (one row per member and badge: granted exactly once), badges admins made, each member's trust level
/// and title, the days members visited, and an index on a thread's author (is this the author's first thread?).</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207171000_Recognition")]
public sealed class Recognition : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "MemberBadges",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Badge = table.Column<string>(maxLength: 40, nullable: false),
                GrantedAt = table.Column<DateTime>(nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: true),
                GrantedById = table.Column<string>(maxLength: 450, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MemberBadges", x => new { x.MemberId, x.Badge }));
        migrationBuilder.CreateIndex("IX_MemberBadges_Badge", "MemberBadges", "Badge");
        migrationBuilder.CreateTable(
            name: "CustomBadges",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Name = table.Column<string>(maxLength: 60, nullable: false),
                Description = table.Column<string>(maxLength: 300, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_CustomBadges", x => x.Id));
        migrationBuilder.CreateIndex("IX_CustomBadges_Name", "CustomBadges", "Name", unique: true);
        migrationBuilder.CreateTable(
            name: "MemberStandings",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                TrustLevel = table.Column<int>(nullable: false),
                TrustChangedAt = table.Column<DateTime>(nullable: false),
                Title = table.Column<string>(maxLength: 40, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MemberStandings", x => x.MemberId));
        migrationBuilder.CreateTable(
            name: "MemberVisitDays",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Day = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MemberVisitDays", x => new { x.MemberId, x.Day }));
        migrationBuilder.CreateIndex("IX_ForumThreads_AuthorId", "ForumThreads", "AuthorId");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_ForumThreads_AuthorId", "ForumThreads");
        migrationBuilder.DropTable(name: "MemberVisitDays");
        migrationBuilder.DropTable(name: "MemberStandings");
        migrationBuilder.DropTable(name: "CustomBadges");
        migrationBuilder.DropTable(name: "MemberBadges");
    }
}
