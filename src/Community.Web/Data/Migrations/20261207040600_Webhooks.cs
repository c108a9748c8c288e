using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Webhooks out: the endpoints admins register and one delivery row per event and endpoint.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207040600_Webhooks")]
public sealed class Webhooks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "WebhookEndpoints",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 40, nullable: false),
                Url = table.Column<string>(maxLength: 2000, nullable: false),
                Description = table.Column<string>(maxLength: 200, nullable: false),
                EventTypes = table.Column<string>(maxLength: 1000, nullable: false),
                IncludePrivate = table.Column<bool>(nullable: false),
                Enabled = table.Column<bool>(nullable: false),
                ProtectedSecret = table.Column<string>(maxLength: 1000, nullable: false),
                PreviousProtectedSecret = table.Column<string>(maxLength: 1000, nullable: true),
                PreviousSecretExpiresAt = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                FailingSince = table.Column<DateTime>(nullable: true),
                DisabledReason = table.Column<string>(maxLength: 300, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_WebhookEndpoints", x => x.Id));

        migrationBuilder.CreateTable(
            name: "WebhookDeliveries",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 40, nullable: false),
                EventId = table.Column<string>(maxLength: 40, nullable: false),
                EndpointId = table.Column<string>(maxLength: 40, nullable: false),
                State = table.Column<string>(maxLength: 16, nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: false),
                LeaseToken = table.Column<string>(maxLength: 40, nullable: true),
                LeaseUntil = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                LastAttemptAt = table.Column<DateTime>(nullable: true),
                StatusCode = table.Column<int>(nullable: true),
                LatencyMs = table.Column<int>(nullable: true),
                ResponseExcerpt = table.Column<string>(maxLength: 1024, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                table.ForeignKey("FK_WebhookDeliveries_WebhookEndpoints_EndpointId", x => x.EndpointId, "WebhookEndpoints", "Id",
                    onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_WebhookDeliveries_WebhookEvents_EventId", x => x.EventId, "WebhookEvents", "Id",
                    onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.CreateIndex("IX_WebhookDeliveries_EventId_EndpointId", "WebhookDeliveries", ["EventId", "EndpointId"], unique: true);
        migrationBuilder.CreateIndex("IX_WebhookDeliveries_State_NextAttemptAt", "WebhookDeliveries", ["State", "NextAttemptAt"]);
        migrationBuilder.CreateIndex("IX_WebhookDeliveries_EndpointId_CreatedAt", "WebhookDeliveries", ["EndpointId", "CreatedAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "WebhookDeliveries");
        migrationBuilder.DropTable(name: "WebhookEndpoints");
    }
}
