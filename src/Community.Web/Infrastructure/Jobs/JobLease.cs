using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Infrastructure.Jobs;

/// <summary>Which server runs a background job, and until when: a lease not renewed by then may be taken by another server.</summary>
public sealed class JobLease
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public DateTime Until { get; set; }
}

internal sealed class JobLeaseConfiguration : IEntityTypeConfiguration<JobLease>
{
    public void Configure(EntityTypeBuilder<JobLease> builder)
    {
        builder.ToTable("JobLeases");
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Holder).HasMaxLength(100);
    }
}

/// <summary>
/// Makes a periodic job run on one server at a time. Each pass of a job asks <see cref="TryHoldAsync"/> first: the server that
/// holds the job's lease renews it and runs; the others skip the pass. A holder that crashes stops renewing, so after the lease
/// length another server takes the job over. One statement per pass (an upsert whose update only applies to the holder or to an
/// expired lease). On SQLite there is one server, so every pass may run.
/// </summary>
public sealed class JobLeases(IServiceScopeFactory scopes, DatabaseOptions database, TimeProvider clock)
{
    /// <summary>This process, as written in the lease rows (host name for operators, a random part so two processes differ).</summary>
    public string Holder { get; } = $"{Environment.ProcessId}:{Guid.NewGuid():N}:{Environment.MachineName}" is var h && h.Length > 100 ? h[..100] : h;

    /// <summary>True when this server holds (now, for <paramref name="length"/>) the lease on <paramref name="job"/> and may run it.</summary>
    public async Task<bool> TryHoldAsync(string job, TimeSpan length, CancellationToken ct)
    {
        if (!database.IsPostgres) return true;
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + length;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var held = await db.Database.SqlQuery<string>($"""
            INSERT INTO "JobLeases" ("Name", "Holder", "Until") VALUES ({job}, {Holder}, {until})
            ON CONFLICT ("Name") DO UPDATE SET "Holder" = EXCLUDED."Holder", "Until" = EXCLUDED."Until"
            WHERE "JobLeases"."Holder" = EXCLUDED."Holder" OR "JobLeases"."Until" < {now}
            RETURNING "Holder" AS "Value"
            """).ToListAsync(ct);
        return held.Count == 1;
    }

    /// <summary>Gives the lease up (a clean shutdown), so another server need not wait for it to run out.</summary>
    public async Task ReleaseAsync(string job, CancellationToken ct)
    {
        if (!database.IsPostgres) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        await db.Set<JobLease>().Where(l => l.Name == job && l.Holder == Holder).ExecuteDeleteAsync(ct);
    }
}

public static class JobLeaseSetup
{
    public static IServiceCollection AddJobLeases(this IServiceCollection services) => services.AddSingleton<JobLeases>();
}
