using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>
/// The product Community runs next to: each member's product identity (external id, account, plan, custom attributes,
/// deactivation), scopes on integration API keys, and the outbox of community events for webhook endpoints.
/// </summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207030000_ProductIdentity")]
public sealed class ProductIdentity : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "ExternalId", table: "AspNetUsers", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<string>(name: "AccountId", table: "AspNetUsers", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<string>(name: "AccountName", table: "AspNetUsers", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<string>(name: "Plan", table: "AspNetUsers", maxLength: 100, nullable: true);
        migrationBuilder.AddColumn<string>(name: "ProductAttributes", table: "AspNetUsers", maxLength: 8000, nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "DeactivatedAt", table: "AspNetUsers", nullable: true);
        // NULLs never collide in a unique index on SQLite or PostgreSQL: local-only members need no external id.
        migrationBuilder.CreateIndex("IX_AspNetUsers_ExternalId", "AspNetUsers", "ExternalId", unique: true);
        migrationBuilder.CreateIndex("IX_AspNetUsers_Plan_AccountId", "AspNetUsers", ["Plan", "AccountId"]);

        migrationBuilder.AddColumn<string>(name: "Scopes", table: "ReferralApiKeys", maxLength: 400, nullable: false,
            defaultValue: "events:write");
        migrationBuilder.CreateIndex("IX_ReferralApiKeys_SecretHash", "ReferralApiKeys", "SecretHash");

        migrationBuilder.CreateTable(
            name: "WebhookEvents",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 40, nullable: false),
                Type = table.Column<string>(maxLength: 64, nullable: false),
                Data = table.Column<string>(maxLength: 64 * 1024, nullable: false),
                Private = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                FannedOutAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_WebhookEvents", x => x.Id));
        migrationBuilder.CreateIndex("IX_WebhookEvents_FannedOutAt", "WebhookEvents", "FannedOutAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "WebhookEvents");
        migrationBuilder.DropIndex("IX_ReferralApiKeys_SecretHash", "ReferralApiKeys");
        migrationBuilder.DropColumn(name: "Scopes", table: "ReferralApiKeys");
        migrationBuilder.DropIndex("IX_AspNetUsers_Plan_AccountId", "AspNetUsers");
        migrationBuilder.DropIndex("IX_AspNetUsers_ExternalId", "AspNetUsers");
        foreach (var column in new[] { "DeactivatedAt", "ProductAttributes", "Plan", "AccountName", "AccountId", "ExternalId" })
            migrationBuilder.DropColumn(name: column, table: "AspNetUsers");
    }
}
