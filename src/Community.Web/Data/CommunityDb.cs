using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Data;

/// <summary>The one database context: Identity plus every feature's tables.</summary>
/// <remarks>Features add entities through <see cref="IEntityTypeConfiguration{TEntity}"/> classes in their
/// own folders; they are picked up by <c>ApplyConfigurationsFromAssembly</c>, so nothing here changes per feature.</remarks>
public sealed class CommunityDb(DbContextOptions<CommunityDb> options)
    : IdentityDbContext<Member, IdentityRole, string, IdentityUserClaim<string>, IdentityUserRole<string>, IdentityUserLogin<string>,
        IdentityRoleClaim<string>, IdentityUserToken<string>, IdentityUserPasskey<string>>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CommunityDb).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC. SQLite hands DateTime back as Unspecified and Npgsql refuses
        // Unspecified for timestamptz, so the kind is pinned on the way in and out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
