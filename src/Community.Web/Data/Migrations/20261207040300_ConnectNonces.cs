using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Nonces of Connect (signed-payload) sign-ins in flight: single-use across every server.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207040300_ConnectNonces")]
public sealed class ConnectNonces : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ConnectNonces",
            columns: table => new
            {
                Nonce = table.Column<string>(maxLength: 64, nullable: false),
                ReturnUrl = table.Column<string>(maxLength: 2048, nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ConnectNonces", x => x.Nonce));
        migrationBuilder.CreateIndex("IX_ConnectNonces_ExpiresAt", "ConnectNonces", "ExpiresAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "ConnectNonces");
}
