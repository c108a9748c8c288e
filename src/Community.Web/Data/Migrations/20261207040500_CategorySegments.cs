using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Categories readable by customer segments (plans and product accounts) as well as by roles.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207040500_CategorySegments")]
public sealed class CategorySegments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "ReadPlans", table: "ForumCategories", maxLength: 1000, nullable: true);
        migrationBuilder.AddColumn<string>(name: "ReadAccounts", table: "ForumCategories", maxLength: 4000, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "ReadAccounts", table: "ForumCategories");
        migrationBuilder.DropColumn(name: "ReadPlans", table: "ForumCategories");
    }
}
