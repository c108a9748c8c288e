using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Billing events in: one row per verified Stripe or Paddle event (exactly once by provider and event id), and the
/// time a referred customer's subscription ended.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207040700_BillingEvents")]
public sealed class BillingEvents : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "BillingEvents",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Provider = table.Column<string>(maxLength: 16, nullable: false),
                EventId = table.Column<string>(maxLength: 200, nullable: false),
                Type = table.Column<string>(maxLength: 64, nullable: false),
                ReceivedAt = table.Column<DateTime>(nullable: false),
                Outcome = table.Column<string>(maxLength: 16, nullable: false),
                Reason = table.Column<string>(maxLength: 500, nullable: false),
                ReferralId = table.Column<long>(nullable: true),
                CustomerRef = table.Column<string>(maxLength: 200, nullable: true),
                PaymentId = table.Column<string>(maxLength: 200, nullable: true),
                PaymentRef = table.Column<string>(maxLength: 200, nullable: true),
                Amount = table.Column<long>(nullable: true),
                Currency = table.Column<string>(maxLength: 3, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_BillingEvents", x => x.Id));
        migrationBuilder.CreateIndex("IX_BillingEvents_Provider_EventId", "BillingEvents", ["Provider", "EventId"], unique: true);
        migrationBuilder.CreateIndex("IX_BillingEvents_Provider_CustomerRef", "BillingEvents", ["Provider", "CustomerRef"]);
        migrationBuilder.CreateIndex("IX_BillingEvents_Provider_PaymentRef", "BillingEvents", ["Provider", "PaymentRef"]);
        migrationBuilder.CreateIndex("IX_BillingEvents_Provider_PaymentId", "BillingEvents", ["Provider", "PaymentId"]);

        migrationBuilder.AddColumn<DateTime>(name: "ChurnedAt", table: "Referrals", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "ChurnedAt", table: "Referrals");
        migrationBuilder.DropTable(name: "BillingEvents");
    }
}
