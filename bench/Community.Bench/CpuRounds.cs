namespace Community.Bench;

/// <summary>One URL measured in every round: on which server, and as whom (a Cookie header, or anonymous).</summary>
internal sealed record CpuLeg(Server Server, string Url, string? Cookie = null);

/// <summary>What one leg cost in one round.</summary>
internal sealed record CpuRun(LoadResult Load, double Cpu);

/// <summary>
/// Server CPU per request wobbles by a fifth between runs of the same build, so one run decides nothing: after one unmeasured
/// pass of every leg (JIT, tiering), <see cref="Count"/> rounds each measure all legs back to back, in reverse order every other
/// round (so drift favours none), each round starting once every server involved is idle. Rows give the median of the
/// per-round ratios and their spread.
/// </summary>
internal static class CpuRounds
{
    /// <summary>Rounds; odd, so the median is one round's figure.</summary>
    public const int Count = 7;

    /// <summary>Per round, the legs' runs in the order the legs were given.</summary>
    public static async Task<List<CpuRun[]>> MeasureAsync(IReadOnlyList<CpuLeg> legs, int seconds, Action<int, CpuRun[]> progress)
    {
        foreach (var leg in legs) await Wrk.CpuPerRequestAsync(leg.Server, leg.Url, seconds, leg.Cookie);
        var rounds = new List<CpuRun[]>();
        for (var i = 0; i < Count; i++)
        {
            foreach (var server in legs.Select(l => l.Server).Distinct()) await QuietAsync(server);
            var runs = new CpuRun[legs.Count];
            var order = Enumerable.Range(0, legs.Count);
            foreach (var k in i % 2 == 0 ? order : order.Reverse())
            {
                var (load, cpu) = await Wrk.CpuPerRequestAsync(legs[k].Server, legs[k].Url, seconds, legs[k].Cookie);
                runs[k] = new CpuRun(load, cpu);
            }
            rounds.Add(runs);
            progress(i, runs);
        }
        return rounds;
    }

    /// <summary>The round whose <paramref name="figure"/> is the median.</summary>
    public static T Median<T>(IEnumerable<T> rounds, Func<T, double> figure)
    {
        var sorted = rounds.OrderBy(figure).ToList();
        return sorted[sorted.Count / 2];
    }

    public static string Spread<T>(IReadOnlyCollection<T> rounds, Func<T, double> figure, string format = "0.00", string unit = "×") =>
        $"{Report.F(rounds.Min(figure), format)}–{Report.F(rounds.Max(figure), format)}{unit}";

    /// <summary>
    /// Waits (up to a minute) until the idle server uses under 3% of a core: work left over from seeding (story renditions,
    /// outboxes) otherwise lands in whichever run comes next; the first round once measured anonymous reads at 5× the rest.
    /// </summary>
    public static async Task QuietAsync(Server server)
    {
        for (var i = 0; i < 60; i++)
        {
            var before = server.CpuSeconds();
            await Task.Delay(1000);
            if (server.CpuSeconds() - before < 0.03) return;
        }
        Console.WriteLine("    (the server did not go quiet within a minute; measuring anyway)");
    }
}
