using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>When each integration API key was last used (written at most once a minute per key and server).</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207040800_ApiKeyLastUsed")]
public sealed class ApiKeyLastUsed : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<DateTime>(name: "LastUsedAt", table: "ReferralApiKeys", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "LastUsedAt", table: "ReferralApiKeys");
}
