using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Idempotency keys of new threads and replies: a retried post answers the first one instead of posting twice.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207060800_ForumPostingKeys")]
public sealed class ForumPostingKeys : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ForumPostingKeys",
            columns: table => new
            {
                MemberId = table.Column<string>(maxLength: 450, nullable: false),
                Key = table.Column<string>(maxLength: 100, nullable: false),
                Purpose = table.Column<string>(maxLength: 40, nullable: false),
                Location = table.Column<string>(maxLength: 300, nullable: false),
                Response = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ForumPostingKeys", x => new { x.MemberId, x.Key }));
        migrationBuilder.CreateIndex("IX_ForumPostingKeys_CreatedAt", "ForumPostingKeys", "CreatedAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "ForumPostingKeys");
}
