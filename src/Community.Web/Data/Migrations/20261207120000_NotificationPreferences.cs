using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Email preferences per member and topic, each member's time zone and digest marks, digests waiting to go out, and
/// the HTML part and unsubscribe address of outgoing mail.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207120000_NotificationPreferences")]
public sealed class NotificationPreferences : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "NotificationPreferences",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Topic = table.Column<string>(maxLength: 20, nullable: false),
                Delivery = table.Column<string>(maxLength: 12, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_NotificationPreferences", x => new { x.MemberId, x.Topic }));
        migrationBuilder.CreateTable(
            name: "MailSettings",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                TimeZone = table.Column<string>(maxLength: 64, nullable: false),
                LastDailyDigestAt = table.Column<DateTime>(nullable: true),
                LastWeeklyDigestAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MailSettings", x => x.MemberId));
        migrationBuilder.CreateTable(
            name: "DigestsDue",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Period = table.Column<string>(maxLength: 12, nullable: false),
                DueAt = table.Column<DateTime>(nullable: false),
                Since = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DigestsDue", x => new { x.MemberId, x.Period }));
        migrationBuilder.CreateIndex("IX_DigestsDue_DueAt", "DigestsDue", "DueAt");
        migrationBuilder.AddColumn<string>(name: "HtmlBody", table: "OutboxMessages", nullable: true);
        migrationBuilder.AddColumn<string>(name: "UnsubscribeUrl", table: "OutboxMessages", maxLength: 1000, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "UnsubscribeUrl", table: "OutboxMessages");
        migrationBuilder.DropColumn(name: "HtmlBody", table: "OutboxMessages");
        migrationBuilder.DropTable(name: "DigestsDue");
        migrationBuilder.DropTable(name: "MailSettings");
        migrationBuilder.DropTable(name: "NotificationPreferences");
    }
}
