using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Advocate tiers (issue #16): the program's thresholds and multipliers, and each advocate's moves up between tiers.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207172100_AdvocateTiers")]
public sealed class AdvocateTiers : Migration
{
    private static readonly (string Column, int Default)[] ProgramColumns =
    [
        ("TierBronzeConversions", 1), ("TierSilverConversions", 5), ("TierGoldConversions", 10),
        ("TierBronzePercent", 100), ("TierSilverPercent", 100), ("TierGoldPercent", 100),
    ];

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        foreach (var (column, value) in ProgramColumns)
            migrationBuilder.AddColumn<int>(name: column, table: "ReferralPrograms", nullable: false, defaultValue: value);
        migrationBuilder.CreateTable(
            name: "AdvocateTierChanges",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                FromTier = table.Column<string>(maxLength: 16, nullable: false),
                ToTier = table.Column<string>(maxLength: 16, nullable: false),
                Percent = table.Column<int>(nullable: false),
                SourceEventId = table.Column<string>(maxLength: 200, nullable: false),
                At = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AdvocateTierChanges", x => x.Id));
        migrationBuilder.CreateIndex("IX_AdvocateTierChanges_MemberId_SourceEventId", "AdvocateTierChanges", ["MemberId", "SourceEventId"],
            unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "AdvocateTierChanges");
        foreach (var (column, _) in ProgramColumns) migrationBuilder.DropColumn(name: column, table: "ReferralPrograms");
    }
}
