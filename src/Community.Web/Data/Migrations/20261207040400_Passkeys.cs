using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Identity's passkeys table (store schema version 3): one row per WebAuthn credential, its data as JSON.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207040400_Passkeys")]
public sealed class Passkeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        // EF maps a ToJson() column to jsonb on PostgreSQL and TEXT on SQLite.
        var json = migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL" ? "jsonb" : null;
        migrationBuilder.CreateTable(
            name: "AspNetUserPasskeys",
            columns: table => new
            {
                CredentialId = table.Column<byte[]>(maxLength: 1024, nullable: false),
                UserId = table.Column<string>(nullable: false),
                Data = table.Column<string>(type: json, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserPasskeys", x => x.CredentialId);
                table.ForeignKey("FK_AspNetUserPasskeys_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_AspNetUserPasskeys_UserId", "AspNetUserPasskeys", "UserId");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("AspNetUserPasskeys");
}
