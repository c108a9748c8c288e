using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Which server may send each outgoing mail, and until when (several servers share the outbox; each mail goes out once).</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207061000_MailClaims")]
public sealed class MailClaims : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "ClaimedBy", table: "OutboxMessages", maxLength: 100, nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "ClaimedUntil", table: "OutboxMessages", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "ClaimedBy", table: "OutboxMessages");
        migrationBuilder.DropColumn(name: "ClaimedUntil", table: "OutboxMessages");
    }
}
