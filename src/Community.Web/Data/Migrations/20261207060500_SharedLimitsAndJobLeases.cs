using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Rate-limit windows counted for every server at once, and which server runs each background job.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207060500_SharedLimitsAndJobLeases")]
public sealed class SharedLimitsAndJobLeases : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "RateCounters",
            columns: table => new
            {
                Key = table.Column<string>(maxLength: 200, nullable: false),
                WindowStart = table.Column<DateTime>(nullable: false),
                Count = table.Column<int>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_RateCounters", x => x.Key));
        migrationBuilder.CreateIndex("IX_RateCounters_ExpiresAt", "RateCounters", "ExpiresAt");
        migrationBuilder.CreateTable(
            name: "JobLeases",
            columns: table => new
            {
                Name = table.Column<string>(maxLength: 100, nullable: false),
                Holder = table.Column<string>(maxLength: 100, nullable: false),
                Until = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_JobLeases", x => x.Name));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "JobLeases");
        migrationBuilder.DropTable(name: "RateCounters");
    }
}
