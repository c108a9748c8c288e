using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Member lifecycle (issue #16): each member's current stage, the append-only history of changes, and the daily flow roll-up.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207172000_LifecycleStages")]
public sealed class LifecycleStages : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "MemberStages",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Stage = table.Column<string>(maxLength: 20, nullable: false),
                Since = table.Column<DateTime>(nullable: false),
                Cause = table.Column<string>(maxLength: 200, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MemberStages", x => x.MemberId));
        migrationBuilder.CreateIndex("IX_MemberStages_Stage", "MemberStages", "Stage");
        migrationBuilder.CreateTable(
            name: "MemberStageChanges",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                FromStage = table.Column<string>(maxLength: 20, nullable: false),
                ToStage = table.Column<string>(maxLength: 20, nullable: false),
                Cause = table.Column<string>(maxLength: 200, nullable: false),
                At = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_MemberStageChanges", x => x.Id));
        migrationBuilder.CreateIndex("IX_MemberStageChanges_MemberId_At", "MemberStageChanges", ["MemberId", "At"]);
        migrationBuilder.CreateIndex("IX_MemberStageChanges_At", "MemberStageChanges", "At");
        migrationBuilder.CreateTable(
            name: "StageFlowDays",
            columns: table => new
            {
                Day = table.Column<DateOnly>(nullable: false),
                FromStage = table.Column<string>(maxLength: 20, nullable: false),
                ToStage = table.Column<string>(maxLength: 20, nullable: false),
                Count = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_StageFlowDays", x => new { x.Day, x.FromStage, x.ToStage }));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "StageFlowDays");
        migrationBuilder.DropTable(name: "MemberStageChanges");
        migrationBuilder.DropTable(name: "MemberStages");
    }
}
