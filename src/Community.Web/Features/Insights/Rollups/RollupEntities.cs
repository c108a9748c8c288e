using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Insights.Rollups;

/// <summary>One daily figure of one roll-up (posts in a category, clicks of a campaign, active members), recomputed from the raw rows of
/// its day whenever that day changes. <see cref="Dimension"/> is what the figure is split by (a category id, a campaign, a plan), or "".</summary>
public sealed class InsightFigure
{
    public required string Metric { get; set; }
    public required string Dimension { get; set; }
    public DateOnly Day { get; set; }
    public long Value { get; set; }
}

/// <summary>A member who did something on a day (posted, replied, reacted, voted, visited): the base of daily/weekly/monthly active.</summary>
public sealed class InsightMemberDay
{
    public DateOnly Day { get; set; }
    public required string MemberId { get; set; }
}

/// <summary>A member's visit on a day, as reported by the activity feed: the only raw record of visits (there is no other table).</summary>
public sealed class InsightVisit
{
    public DateOnly Day { get; set; }
    public required string MemberId { get; set; }
}

/// <summary>How far each raw feed (a table's ids) has been folded into the roll-ups.</summary>
public sealed class InsightWatermark
{
    public required string Feed { get; set; }
    public long LastId { get; set; }
}

internal sealed class InsightFigureConfiguration : IEntityTypeConfiguration<InsightFigure>
{
    public void Configure(EntityTypeBuilder<InsightFigure> b)
    {
        b.ToTable("InsightFigures");
        b.HasKey(x => new { x.Metric, x.Dimension, x.Day });
        b.Property(x => x.Metric).HasMaxLength(40);
        b.Property(x => x.Dimension).HasMaxLength(100);
        b.HasIndex(x => x.Day);
    }
}

internal sealed class InsightMemberDayConfiguration : IEntityTypeConfiguration<InsightMemberDay>
{
    public void Configure(EntityTypeBuilder<InsightMemberDay> b)
    {
        b.ToTable("InsightMemberDays");
        b.HasKey(x => new { x.Day, x.MemberId });
        b.Property(x => x.MemberId).HasMaxLength(450);
    }
}

internal sealed class InsightVisitConfiguration : IEntityTypeConfiguration<InsightVisit>
{
    public void Configure(EntityTypeBuilder<InsightVisit> b)
    {
        b.ToTable("InsightVisits");
        b.HasKey(x => new { x.Day, x.MemberId });
        b.Property(x => x.MemberId).HasMaxLength(450);
    }
}

internal sealed class InsightWatermarkConfiguration : IEntityTypeConfiguration<InsightWatermark>
{
    public void Configure(EntityTypeBuilder<InsightWatermark> b)
    {
        b.ToTable("InsightWatermarks");
        b.HasKey(x => x.Feed);
        b.Property(x => x.Feed).HasMaxLength(60);
    }
}
