using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Referrals: codes, buffered clicks, attributed referrals, exactly-once grants and the append-only credit ledger.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261122100000_Referrals")]
public sealed class Referrals : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ReferralPrograms",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                SignupAdvocateCredits = table.Column<long>(nullable: false),
                SignupFriendCredits = table.Column<long>(nullable: false),
                ConversionAdvocateCredits = table.Column<long>(nullable: false),
                ConversionAdvocatePercent = table.Column<int>(nullable: false),
                ConversionFriendCredits = table.Column<long>(nullable: false),
                Milestones = table.Column<string>(maxLength: 200, nullable: false),
                MonthlyCap = table.Column<long>(nullable: false),
                LifetimeCap = table.Column<long>(nullable: false),
                AttributionDays = table.Column<int>(nullable: false),
                LastTouch = table.Column<bool>(nullable: false),
                HoldDays = table.Column<int>(nullable: false),
                VelocityPerHour = table.Column<int>(nullable: false),
                InviteOnly = table.Column<bool>(nullable: false),
                LandingUrl = table.Column<string>(maxLength: 500, nullable: true),
                IpSecret = table.Column<string>(maxLength: 100, nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ReferralPrograms", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ReferralCodes",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Code = table.Column<string>(maxLength: 64, nullable: false),
                OwnerId = table.Column<string>(maxLength: 450, nullable: true),
                Kind = table.Column<int>(nullable: false),
                CampaignTag = table.Column<string>(maxLength: 64, nullable: true),
                UsageLimit = table.Column<int>(nullable: true),
                UsedCount = table.Column<int>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: true),
                Disabled = table.Column<bool>(nullable: false),
                RewardOverride = table.Column<long>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ClickCount = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ReferralCodes", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ReferralClicks",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                CodeId = table.Column<long>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Landing = table.Column<string>(maxLength: 500, nullable: true),
                Referrer = table.Column<string>(maxLength: 500, nullable: true),
                UtmSource = table.Column<string>(maxLength: 100, nullable: true),
                UtmMedium = table.Column<string>(maxLength: 100, nullable: true),
                UtmCampaign = table.Column<string>(maxLength: 100, nullable: true),
                UserAgentFamily = table.Column<string>(maxLength: 32, nullable: true),
                IpHash = table.Column<string>(maxLength: 64, nullable: true),
                DeviceId = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ReferralClicks", x => x.Id);
                table.ForeignKey("FK_ReferralClicks_ReferralCodes_CodeId", x => x.CodeId, "ReferralCodes", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Referrals",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                CodeId = table.Column<long>(nullable: false),
                AdvocateId = table.Column<string>(maxLength: 450, nullable: true),
                ReferredMemberId = table.Column<string>(maxLength: 450, nullable: true),
                ExternalCustomerId = table.Column<string>(maxLength: 200, nullable: true),
                CustomerEmail = table.Column<string>(maxLength: 256, nullable: true),
                Source = table.Column<string>(maxLength: 16, nullable: false),
                Decision = table.Column<int>(nullable: false),
                FraudScore = table.Column<int>(nullable: false),
                Reasons = table.Column<string>(maxLength: 300, nullable: false),
                IsTest = table.Column<bool>(nullable: false),
                TestLabel = table.Column<string>(maxLength: 80, nullable: true),
                DeviceId = table.Column<string>(maxLength: 64, nullable: true),
                IpHash = table.Column<string>(maxLength: 64, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ConvertedAt = table.Column<DateTime>(nullable: true),
                ReviewedById = table.Column<string>(maxLength: 450, nullable: true),
                ReviewNote = table.Column<string>(maxLength: 500, nullable: true),
                ReviewedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Referrals", x => x.Id);
                table.ForeignKey("FK_Referrals_ReferralCodes_CodeId", x => x.CodeId, "ReferralCodes", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ReferralConversions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ReferralId = table.Column<long>(nullable: false),
                EventId = table.Column<string>(maxLength: 200, nullable: false),
                Kind = table.Column<string>(maxLength: 16, nullable: false),
                RefundsEventId = table.Column<string>(maxLength: 200, nullable: true),
                Amount = table.Column<long>(nullable: false),
                Currency = table.Column<string>(maxLength: 3, nullable: false),
                Plan = table.Column<string>(maxLength: 100, nullable: true),
                At = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ReferralConversions", x => x.Id);
                table.ForeignKey("FK_ReferralConversions_Referrals_ReferralId", x => x.ReferralId, "Referrals", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "LedgerEntries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Kind = table.Column<int>(nullable: false),
                Amount = table.Column<long>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                AvailableAt = table.Column<DateTime>(nullable: false),
                ReferralId = table.Column<long>(nullable: true),
                ReversesEntryId = table.Column<long>(nullable: true),
                Reason = table.Column<string>(maxLength: 64, nullable: false),
                Note = table.Column<string>(maxLength: 500, nullable: true),
                ActorId = table.Column<string>(maxLength: 450, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_LedgerEntries", x => x.Id));

        migrationBuilder.CreateTable(
            name: "RewardGrants",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                RuleKey = table.Column<string>(maxLength: 64, nullable: false),
                ReferralId = table.Column<long>(nullable: false),
                BeneficiaryId = table.Column<string>(maxLength: 450, nullable: false),
                SourceEventId = table.Column<string>(maxLength: 200, nullable: false),
                Amount = table.Column<long>(nullable: false),
                Outcome = table.Column<string>(maxLength: 32, nullable: false),
                LedgerEntryId = table.Column<long>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RewardGrants", x => x.Id);
                table.ForeignKey("FK_RewardGrants_LedgerEntries_LedgerEntryId", x => x.LedgerEntryId, "LedgerEntries", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ReferralApiKeys",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 40, nullable: false),
                Name = table.Column<string>(maxLength: 80, nullable: false),
                SecretHash = table.Column<string>(maxLength: 64, nullable: false),
                ProtectedSecret = table.Column<string>(maxLength: 1000, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                RevokedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ReferralApiKeys", x => x.Id));

        migrationBuilder.CreateTable(
            name: "IdempotencyRecords",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                ApiKeyId = table.Column<string>(maxLength: 40, nullable: false),
                Key = table.Column<string>(maxLength: 200, nullable: false),
                BodyHash = table.Column<string>(maxLength: 64, nullable: false),
                Status = table.Column<int>(nullable: false),
                Response = table.Column<string>(maxLength: 4000, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_IdempotencyRecords", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ReferralInvites",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                Token = table.Column<string>(maxLength: 64, nullable: false),
                CodeId = table.Column<long>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ReferralInvites", x => x.Id);
                table.ForeignKey("FK_ReferralInvites_ReferralCodes_CodeId", x => x.CodeId, "ReferralCodes", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AdvocateSettings",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                LeaderboardOptOut = table.Column<bool>(nullable: false),
                DeviceIds = table.Column<string>(maxLength: 700, nullable: false),
                LastIpHash = table.Column<string>(maxLength: 64, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AdvocateSettings", x => x.MemberId));

        migrationBuilder.CreateIndex("IX_ReferralCodes_Code", "ReferralCodes", "Code", unique: true);
        migrationBuilder.CreateIndex("IX_ReferralCodes_OwnerId", "ReferralCodes", "OwnerId");
        migrationBuilder.CreateIndex("IX_ReferralClicks_CodeId_At", "ReferralClicks", ["CodeId", "At"]);
        migrationBuilder.CreateIndex("IX_ReferralClicks_At", "ReferralClicks", "At");
        migrationBuilder.CreateIndex("IX_Referrals_ReferredMemberId", "Referrals", "ReferredMemberId", unique: true);
        migrationBuilder.CreateIndex("IX_Referrals_AdvocateId_CreatedAt", "Referrals", ["AdvocateId", "CreatedAt"]);
        migrationBuilder.CreateIndex("IX_Referrals_CodeId_CreatedAt", "Referrals", ["CodeId", "CreatedAt"]);
        migrationBuilder.CreateIndex("IX_Referrals_ExternalCustomerId", "Referrals", "ExternalCustomerId");
        migrationBuilder.CreateIndex("IX_Referrals_CustomerEmail", "Referrals", "CustomerEmail");
        migrationBuilder.CreateIndex("IX_Referrals_Decision", "Referrals", "Decision");
        migrationBuilder.CreateIndex("IX_ReferralConversions_ReferralId_EventId", "ReferralConversions", ["ReferralId", "EventId"], unique: true);
        migrationBuilder.CreateIndex("IX_RewardGrants_RuleKey_ReferralId_BeneficiaryId_SourceEventId", "RewardGrants",
            ["RuleKey", "ReferralId", "BeneficiaryId", "SourceEventId"], unique: true);
        migrationBuilder.CreateIndex("IX_RewardGrants_BeneficiaryId_CreatedAt", "RewardGrants", ["BeneficiaryId", "CreatedAt"]);
        migrationBuilder.CreateIndex("IX_RewardGrants_ReferralId", "RewardGrants", "ReferralId");
        migrationBuilder.CreateIndex("IX_RewardGrants_LedgerEntryId", "RewardGrants", "LedgerEntryId");
        migrationBuilder.CreateIndex("IX_LedgerEntries_MemberId_AvailableAt", "LedgerEntries", ["MemberId", "AvailableAt"]);
        migrationBuilder.CreateIndex("IX_LedgerEntries_ReferralId", "LedgerEntries", "ReferralId");
        migrationBuilder.CreateIndex("IX_LedgerEntries_ReversesEntryId", "LedgerEntries", "ReversesEntryId");
        migrationBuilder.CreateIndex("IX_IdempotencyRecords_ApiKeyId_Key", "IdempotencyRecords", ["ApiKeyId", "Key"], unique: true);
        migrationBuilder.CreateIndex("IX_IdempotencyRecords_CreatedAt", "IdempotencyRecords", "CreatedAt");
        migrationBuilder.CreateIndex("IX_ReferralInvites_Token", "ReferralInvites", "Token", unique: true);
        migrationBuilder.CreateIndex("IX_ReferralInvites_CodeId", "ReferralInvites", "CodeId");

        // The ledger is append-only: the database refuses edits even from code that forgets.
        if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            migrationBuilder.Sql("CREATE TRIGGER LedgerEntries_no_update BEFORE UPDATE ON LedgerEntries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER LedgerEntries_no_delete BEFORE DELETE ON LedgerEntries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;");
        }
        else if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON "LedgerEntries"
                FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
                """);
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_entries_append_only ON \"LedgerEntries\"; DROP FUNCTION IF EXISTS ledger_entries_append_only();");
        }
        migrationBuilder.DropTable("AdvocateSettings");
        migrationBuilder.DropTable("ReferralInvites");
        migrationBuilder.DropTable("IdempotencyRecords");
        migrationBuilder.DropTable("ReferralApiKeys");
        migrationBuilder.DropTable("RewardGrants");
        migrationBuilder.DropTable("LedgerEntries");
        migrationBuilder.DropTable("ReferralConversions");
        migrationBuilder.DropTable("Referrals");
        migrationBuilder.DropTable("ReferralClicks");
        migrationBuilder.DropTable("ReferralCodes");
        migrationBuilder.DropTable("ReferralPrograms");
    }
}
