using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>
/// Sessions that end at once: the member's session version and signed-out sessions. Referral sign-ups that count only
/// once the new member has confirmed their email.
/// </summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261202160000_Sessions")]
public sealed class Sessions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<int>(name: "SessionVersion", table: "AspNetUsers", nullable: false, defaultValue: 0);

        migrationBuilder.CreateTable(
            name: "RevokedSessions",
            columns: table => new
            {
                SessionId = table.Column<string>(maxLength: 64, nullable: false),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_RevokedSessions", x => x.SessionId));
        migrationBuilder.CreateIndex("IX_RevokedSessions_MemberId_ExpiresAt", "RevokedSessions", ["MemberId", "ExpiresAt"]);

        migrationBuilder.AddColumn<DateTime>(name: "ConfirmedAt", table: "Referrals", nullable: true);
        // Referrals recorded before this rule were already counted and credited: keep them so.
        migrationBuilder.Sql("""UPDATE "Referrals" SET "ConfirmedAt" = "CreatedAt" """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "ConfirmedAt", table: "Referrals");
        migrationBuilder.DropTable(name: "RevokedSessions");
        migrationBuilder.DropColumn(name: "SessionVersion", table: "AspNetUsers");
    }
}
