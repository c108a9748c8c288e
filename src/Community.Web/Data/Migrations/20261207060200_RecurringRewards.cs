using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>The referral program's recurring reward: what later payments (renewals) of a converted customer earn the advocate.
/// Existing programs keep rewarding the first payment only (mode "none").</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207060200_RecurringRewards")]
public sealed class RecurringRewards : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "RecurringMode", table: "ReferralPrograms", maxLength: 16, nullable: false, defaultValue: "none");
        migrationBuilder.AddColumn<int>(name: "RecurringPercent", table: "ReferralPrograms", nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<long>(name: "RecurringCredits", table: "ReferralPrograms", nullable: false, defaultValue: 0L);
        migrationBuilder.AddColumn<int>(name: "RecurringMonths", table: "ReferralPrograms", nullable: false, defaultValue: 12);
        migrationBuilder.AddColumn<long>(name: "RecurringCap", table: "ReferralPrograms", nullable: false, defaultValue: 0L);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var column in new[] { "RecurringMode", "RecurringPercent", "RecurringCredits", "RecurringMonths", "RecurringCap" })
            migrationBuilder.DropColumn(name: column, table: "ReferralPrograms");
    }
}
