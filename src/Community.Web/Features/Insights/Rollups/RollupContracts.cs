using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Insights.Rollups;

/// <summary>A raw table whose new rows (by id) mark days to recompute. <paramref name="DaysAsync"/> gives the days the rows with ids
/// in (after, upTo] belong to.</summary>
public sealed record RawFeed(string Name, Func<CancellationToken, Task<long>> MaxIdAsync,
    Func<long, long, CancellationToken, Task<IReadOnlyCollection<DateOnly>>> DaysAsync);

public sealed record DayFigure(string Metric, string Dimension, long Value);

/// <summary>What one feature contributes to a day: its figures and the members it saw active that day.</summary>
public sealed record DayContribution(IReadOnlyList<DayFigure> Figures, IReadOnlyCollection<string> ActiveMembers);

/// <summary>
/// A feature's part of the daily roll-ups. The fold recomputes a whole day from the raw rows of that day (so folding is idempotent
/// and a rebuild matches exactly); <see cref="Feeds"/> only tell it which days changed. A feature that keeps its own derived rows
/// (the forums' first-response facts) refreshes them in <see cref="RefreshAsync"/>.
/// </summary>
public interface IInsightRollup
{
    IReadOnlyList<RawFeed> Feeds { get; }

    /// <summary>The first day with raw rows, or null: where a rebuild starts.</summary>
    Task<DateOnly?> FirstDayAsync(CancellationToken ct);

    Task<DayContribution> ComputeDayAsync(DateOnly day, CancellationToken ct);

    /// <summary>Brings the feature's own derived rows for <paramref name="days"/> up to date (all of them when rebuilding), and
    /// returns further days whose figures those changes affect (a reply today changes the day its thread was started).</summary>
    Task<IReadOnlyCollection<DateOnly>> RefreshAsync(IReadOnlyCollection<DateOnly> days, bool rebuild, CancellationToken ct) =>
        Task.FromResult<IReadOnlyCollection<DateOnly>>([]);
}

public static class InsightDays
{
    public static DateTime Start(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    public static DateOnly Of(DateTime at) => DateOnly.FromDateTime(at);

    /// <summary>For feeds keyed by a time (in ticks) rather than an id: a day before the mark, so rows written a little late and
    /// out of order are still seen.</summary>
    public static DateTime Since(long ticks) => new(Math.Max(0, ticks - TimeSpan.TicksPerDay), DateTimeKind.Utc);

    public static DateTime Until(long ticks) => new(Math.Max(0, ticks), DateTimeKind.Utc);
}

/// <summary>Roll-up writes replace a day's rows (delete, then insert). On PostgreSQL two servers doing that at once (a rebuild on
/// one, the minute's fold on another) would collide on the keys, so each such transaction first takes one advisory lock; on
/// SQLite the write gate already runs them one at a time.</summary>
public static class RollupLock
{
    private const long Key = 0x16_1B5_16; // any constant, the same on every server

    public static async Task TakeAsync(DbContext db, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key})", ct);
    }
}
