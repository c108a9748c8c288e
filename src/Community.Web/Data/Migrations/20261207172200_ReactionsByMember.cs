using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Community.Web.Data.Migrations;

/// <summary>Reactions by member and time: the lifecycle listener asks for a few members' latest reaction after each batch of
/// activity, which without it scanned every reaction.</summary>
[DbContext(typeof(CommunityDb))]
[Migration("20261207172200_ReactionsByMember")]
public sealed class ReactionsByMember : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateIndex("IX_ForumReactions_MemberId_CreatedAt", "ForumReactions", ["MemberId", "CreatedAt"]);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropIndex(name: "IX_ForumReactions_MemberId_CreatedAt", table: "ForumReactions");
}
