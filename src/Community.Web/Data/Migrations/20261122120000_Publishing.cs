using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Stories (spotlights and case studies), their revisions and old slugs, and processed images.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261122120000_Publishing")]
public sealed class Publishing : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Stories",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                Kind = table.Column<string>(maxLength: 16, nullable: false),
                Slug = table.Column<string>(maxLength: 120, nullable: false),
                Title = table.Column<string>(maxLength: 160, nullable: false),
                Summary = table.Column<string>(maxLength: 300, nullable: false),
                Customer = table.Column<string>(maxLength: 120, nullable: false),
                Body = table.Column<string>(nullable: false),
                PersonName = table.Column<string>(maxLength: 120, nullable: true),
                PersonRole = table.Column<string>(maxLength: 120, nullable: true),
                Quote = table.Column<string>(maxLength: 600, nullable: true),
                Challenge = table.Column<string>(nullable: true),
                Solution = table.Column<string>(nullable: true),
                Results = table.Column<string>(nullable: true),
                MetricsJson = table.Column<string>(maxLength: 2000, nullable: false),
                CtaLabel = table.Column<string>(maxLength: 80, nullable: true),
                CtaUrl = table.Column<string>(maxLength: 500, nullable: true),
                HeroImage = table.Column<string>(maxLength: 80, nullable: true),
                HeroAlt = table.Column<string>(maxLength: 300, nullable: true),
                LogoImage = table.Column<string>(maxLength: 80, nullable: true),
                Industry = table.Column<string>(maxLength: 60, nullable: true),
                CompanySize = table.Column<string>(maxLength: 30, nullable: true),
                ProductArea = table.Column<string>(maxLength: 60, nullable: true),
                FeaturedMember = table.Column<string>(maxLength: 256, nullable: true),
                CreditReferralCode = table.Column<string>(maxLength: 64, nullable: true),
                Status = table.Column<string>(maxLength: 16, nullable: false),
                PublishAt = table.Column<DateTime>(nullable: true),
                PublishedAt = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                AuthorId = table.Column<string>(maxLength: 450, nullable: true),
                PreviewToken = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Stories", x => x.Id));

        migrationBuilder.CreateTable(
            name: "StoryRevisions",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Identity(),
                StoryId = table.Column<int>(nullable: false),
                Number = table.Column<int>(nullable: false),
                SnapshotJson = table.Column<string>(nullable: false),
                Title = table.Column<string>(maxLength: 160, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                AuthorId = table.Column<string>(maxLength: 450, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StoryRevisions", x => x.Id);
                table.ForeignKey("FK_StoryRevisions_Stories_StoryId", x => x.StoryId, "Stories", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "StorySlugRedirects",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                OldSlug = table.Column<string>(maxLength: 120, nullable: false),
                StoryId = table.Column<int>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_StorySlugRedirects", x => x.Id);
                table.ForeignKey("FK_StorySlugRedirects_Stories_StoryId", x => x.StoryId, "Stories", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "MediaImages",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false).Identity(),
                SourceHash = table.Column<string>(maxLength: 64, nullable: false),
                Kind = table.Column<string>(maxLength: 16, nullable: false),
                Width = table.Column<int>(nullable: false),
                Height = table.Column<int>(nullable: false),
                Placeholder = table.Column<string>(nullable: false),
                RenditionsJson = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UploadedById = table.Column<string>(maxLength: 450, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MediaImages", x => x.Id));

        migrationBuilder.CreateIndex("IX_Stories_Slug", "Stories", "Slug", unique: true);
        migrationBuilder.CreateIndex("IX_Stories_PreviewToken", "Stories", "PreviewToken", unique: true);
        migrationBuilder.CreateIndex("IX_Stories_Status_PublishAt", "Stories", ["Status", "PublishAt"]);
        migrationBuilder.CreateIndex("IX_StoryRevisions_StoryId_Number", "StoryRevisions", ["StoryId", "Number"], unique: true);
        migrationBuilder.CreateIndex("IX_StorySlugRedirects_OldSlug", "StorySlugRedirects", "OldSlug", unique: true);
        migrationBuilder.CreateIndex("IX_StorySlugRedirects_StoryId", "StorySlugRedirects", "StoryId");
        migrationBuilder.CreateIndex("IX_MediaImages_SourceHash_Kind", "MediaImages", ["SourceHash", "Kind"], unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "MediaImages", "StorySlugRedirects", "StoryRevisions", "Stories" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
