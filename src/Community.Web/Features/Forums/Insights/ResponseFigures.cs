using Community.Web.Data;
using Community.Web.Features.Insights.Rollups;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums.Insights;

/// <summary>
/// The daily figures behind the response charts, from the thread facts of the threads started that day, per category: Q&amp;A
/// threads and how many are solved; threads a day old (by the time of the pass) and how many of them had no response within 24
/// hours; and a histogram of times to first response. Quantiles over any period are read from the summed histograms: buckets are
/// 5% wide from one minute on, so a median or 90th percentile is within 2.5% of the exact one (a year of a big forum is then a few
/// thousand rows, not a hundred thousand threads).
/// </summary>
internal static class ResponseFigures
{
    public const string QaThreads = "forum.qa", QaSolved = "forum.qa.solved", Due = "forum.due", Late = "forum.late";
    public const string Response = "forum.response";
    private const double Ratio = 1.05;

    public static int Bucket(long seconds) => seconds < 60 ? 0 : 1 + (int)Math.Floor(Math.Log(seconds / 60.0) / Math.Log(Ratio));

    /// <summary>The middle of a bucket (geometric), in seconds.</summary>
    public static double Seconds(int bucket) => bucket == 0 ? 30 : 60 * Math.Pow(Ratio, bucket - 1) * Math.Sqrt(Ratio);

    /// <summary>Histogram dimension: category id and bucket.</summary>
    public static string Dim(int categoryId, int bucket) => $"{ForumRollup.Dim(categoryId)}:{bucket}";

    public static async Task<List<DayFigure>> OfDayAsync(CommunityDb db, DateOnly day, DateTime now, CancellationToken ct)
    {
        var facts = await db.Set<ThreadFact>().AsNoTracking().Where(f => f.Day == day)
            .Select(f => new { f.CategoryId, f.IsQa, f.Solved, f.CreatedAt, f.FirstResponseSeconds }).ToListAsync(ct);
        var dayOld = now.AddHours(-24);
        var figures = new List<DayFigure>();
        foreach (var c in facts.GroupBy(f => f.CategoryId))
        {
            var dim = ForumRollup.Dim(c.Key);
            figures.Add(new DayFigure(QaThreads, dim, c.Count(f => f.IsQa)));
            figures.Add(new DayFigure(QaSolved, dim, c.Count(f => f.IsQa && f.Solved)));
            var due = c.Where(f => f.CreatedAt <= dayOld).ToList();
            figures.Add(new DayFigure(Due, dim, due.Count));
            figures.Add(new DayFigure(Late, dim, due.Count(f => f.FirstResponseSeconds is null or > 86400)));
            figures.AddRange(c.Where(f => f.FirstResponseSeconds is not null).GroupBy(f => Bucket(f.FirstResponseSeconds!.Value))
                .Select(b => new DayFigure(Response, Dim(c.Key, b.Key), b.Count())));
        }
        return figures;
    }

    /// <summary>The nearest-rank quantile of a histogram (bucket → count), in seconds.</summary>
    public static double Quantile(IReadOnlyDictionary<int, long> histogram, double q)
    {
        var total = histogram.Values.Sum();
        if (total == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        foreach (var (bucket, count) in histogram.OrderBy(h => h.Key))
        {
            seen += count;
            if (seen >= rank) return Seconds(bucket);
        }
        return Seconds(histogram.Keys.Max());
    }
}
