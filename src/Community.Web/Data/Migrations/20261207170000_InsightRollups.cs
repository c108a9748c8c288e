using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>The insights dashboard's daily roll-ups (figures, member-days, visits, per-thread facts, watermarks) and the indexes on
/// creation times that let a day be recomputed from the raw rows.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207170000_InsightRollups")]
public sealed class InsightRollups : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "InsightFigures",
            columns: table => new
            {
                Metric = table.Column<string>(maxLength: 40, nullable: false),
                Dimension = table.Column<string>(maxLength: 100, nullable: false),
                Day = table.Column<DateOnly>(nullable: false),
                Value = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_InsightFigures", x => new { x.Metric, x.Dimension, x.Day }));
        migrationBuilder.CreateIndex("IX_InsightFigures_Day", "InsightFigures", "Day");
        migrationBuilder.CreateTable(
            name: "InsightMemberDays",
            columns: table => new
            {
                Day = table.Column<DateOnly>(nullable: false),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_InsightMemberDays", x => new { x.Day, x.MemberId }));
        migrationBuilder.CreateTable(
            name: "InsightVisits",
            columns: table => new
            {
                Day = table.Column<DateOnly>(nullable: false),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_InsightVisits", x => new { x.Day, x.MemberId }));
        migrationBuilder.CreateTable(
            name: "InsightWatermarks",
            columns: table => new
            {
                Feed = table.Column<string>(maxLength: 60, nullable: false),
                LastId = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_InsightWatermarks", x => x.Feed));
        migrationBuilder.CreateTable(
            name: "InsightThreadFacts",
            columns: table => new
            {
                ThreadId = table.Column<long>(nullable: false),
                CategoryId = table.Column<int>(nullable: false),
                Day = table.Column<DateOnly>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                IsQa = table.Column<bool>(nullable: false),
                FirstResponseSeconds = table.Column<long>(nullable: true),
                Solved = table.Column<bool>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_InsightThreadFacts", x => x.ThreadId));
        migrationBuilder.CreateIndex("IX_InsightThreadFacts_Day_CategoryId", "InsightThreadFacts", ["Day", "CategoryId"]);
        migrationBuilder.CreateIndex("IX_ForumPosts_CreatedAt", "ForumPosts", "CreatedAt");
        migrationBuilder.CreateIndex("IX_ForumThreads_CreatedAt", "ForumThreads", "CreatedAt");
        migrationBuilder.CreateIndex("IX_ForumReactions_CreatedAt", "ForumReactions", "CreatedAt");
        migrationBuilder.CreateIndex("IX_AspNetUsers_JoinedAt", "AspNetUsers", "JoinedAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_AspNetUsers_JoinedAt", "AspNetUsers");
        migrationBuilder.DropIndex("IX_ForumReactions_CreatedAt", "ForumReactions");
        migrationBuilder.DropIndex("IX_ForumThreads_CreatedAt", "ForumThreads");
        migrationBuilder.DropIndex("IX_ForumPosts_CreatedAt", "ForumPosts");
        migrationBuilder.DropTable(name: "InsightThreadFacts");
        migrationBuilder.DropTable(name: "InsightWatermarks");
        migrationBuilder.DropTable(name: "InsightVisits");
        migrationBuilder.DropTable(name: "InsightMemberDays");
        migrationBuilder.DropTable(name: "InsightFigures");
    }
}
