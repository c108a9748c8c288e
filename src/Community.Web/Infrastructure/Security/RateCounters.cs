using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Infrastructure.Security;

/// <summary>One fixed-window counter shared by every server (PostgreSQL): how many times <see cref="Key"/> acted in the window.</summary>
public sealed class RateCounter
{
    public required string Key { get; set; }
    public DateTime WindowStart { get; set; }
    public int Count { get; set; }
    public DateTime ExpiresAt { get; set; }
}

internal sealed class RateCounterConfiguration : IEntityTypeConfiguration<RateCounter>
{
    public void Configure(EntityTypeBuilder<RateCounter> builder)
    {
        builder.ToTable("RateCounters");
        builder.HasKey(c => c.Key);
        builder.Property(c => c.Key).HasMaxLength(200);
        builder.HasIndex(c => c.ExpiresAt);
    }
}

/// <summary>
/// Rate limits counted in the database, so a member hitting N servers gets the same allowance as on one. Windows are aligned
/// to the clock (every server agrees where one starts); one upsert per attempt counts and answers at once, and a row whose window
/// has passed starts over in the same statement, so no sweep is needed for correctness (expired rows are pruned now and then).
/// </summary>
public sealed class RateCounters(IServiceScopeFactory scopes, TimeProvider clock)
{
    private long _lastPrune;

    /// <summary>Counts one attempt; null when it is within <paramref name="limit"/> per <paramref name="window"/>, otherwise how long
    /// until the window ends.</summary>
    public async Task<TimeSpan?> HitAsync(string key, int limit, TimeSpan window, CancellationToken ct)
    {
        key = Fit(key);
        var now = clock.GetUtcNow().UtcDateTime;
        var start = new DateTime(now.Ticks - now.Ticks % window.Ticks, DateTimeKind.Utc);
        var end = start + window;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var count = (await db.Database.SqlQuery<int>($"""
            INSERT INTO "RateCounters" ("Key", "WindowStart", "Count", "ExpiresAt") VALUES ({key}, {start}, 1, {end})
            ON CONFLICT ("Key") DO UPDATE SET
                "Count" = CASE WHEN "RateCounters"."WindowStart" >= EXCLUDED."WindowStart" THEN "RateCounters"."Count" + 1 ELSE 1 END,
                "WindowStart" = GREATEST("RateCounters"."WindowStart", EXCLUDED."WindowStart"),
                "ExpiresAt" = GREATEST("RateCounters"."ExpiresAt", EXCLUDED."ExpiresAt")
            RETURNING "Count" AS "Value"
            """).ToListAsync(ct))[0];
        await PruneNowAndThenAsync(db, now, ct);
        return count <= limit ? null : end - now;
    }

    /// <summary>How long until <paramref name="key"/> may act again when it has reached <paramref name="limit"/>; null otherwise.</summary>
    public async Task<TimeSpan?> BlockedAsync(string key, int limit, CancellationToken ct)
    {
        key = Fit(key);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var row = await db.Set<RateCounter>().AsNoTracking().FirstOrDefaultAsync(c => c.Key == key && c.ExpiresAt > now, ct);
        return row is not null && row.Count >= limit ? row.ExpiresAt - now : null;
    }

    /// <summary>Forgets <paramref name="key"/>'s count (a successful sign-in clears the failures before it).</summary>
    public async Task ResetAsync(string key, CancellationToken ct)
    {
        key = Fit(key);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        await db.Set<RateCounter>().Where(c => c.Key == key).ExecuteDeleteAsync(ct);
    }

    /// <summary>Keys longer than the column are stored as their hash (still one row per key).</summary>
    private static string Fit(string key) => key.Length <= 200 ? key
        : "h:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));

    private async Task PruneNowAndThenAsync(CommunityDb db, DateTime now, CancellationToken ct)
    {
        // At most once a minute per server: expired rows cost only space, never a wrong answer.
        var last = Interlocked.Read(ref _lastPrune);
        if (now.Ticks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastPrune, now.Ticks, last) != last) return;
        await db.Set<RateCounter>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(ct);
    }
}
