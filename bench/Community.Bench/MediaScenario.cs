using System.Diagnostics;
using Community.Media;
using Community.Media.Tests;

namespace Community.Bench;

/// <summary>A 12-megapixel JPEG through the real libvips pipeline: every width as WebP + JPEG, plus the placeholder.</summary>
internal static class MediaScenario
{
    public static void Run(Report report)
    {
        var jpeg = TestImages.Jpeg(4000, 3000, 90);
        var pipeline = new ImagePipeline();
        pipeline.Process(TestImages.Jpeg(800, 600), ImageKind.Story); // warm-up
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = pipeline.Process(jpeg, ImageKind.Story);
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (result.Renditions.Count < 8) throw new InvalidOperationException("expected 4 widths x 2 formats");
        }
        times.Sort();
        report.Add("Publishing", $"12 MP JPEG ({jpeg.Length / 1024} KiB) → all renditions, median of 5", "≤ 1000 ms",
            $"{Report.F(times[2], "0")} ms (worst {Report.F(times[^1], "0")} ms)", times[2] <= 1000, report.VsMillis(times[2]));
    }
}
