using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>The sign-in set-up an admin edits at /admin/sign-in (one row, a JSON document with encrypted secrets).</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207060300_SignInSetups")]
public sealed class SignInSetups : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "SignInSetups",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false),
                Document = table.Column<string>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                UpdatedBy = table.Column<string>(maxLength: 450, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_SignInSetups", x => x.Id));
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "SignInSetups");
}
