using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Forums;
using Community.Web.Features.Forums.Insights;
using Community.Web.Features.Insights.Rollups;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Insights;

/// <summary>Roll-ups folded incrementally over random data equal a recomputation from the raw rows, and a rebuild changes nothing.</summary>
public sealed class RollupConsistencyTests(InsightsFactory factory) : IClassFixture<InsightsFactory>
{
    private static readonly string[] Plans = ["", "team", "enterprise"];
    private static readonly string?[] Campaigns = [null, "spring", "=launch"];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task Incremental_roll_ups_equal_a_recomputation_and_a_rebuild(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 3; round++)
        {
            factory.Clock.Advance(TimeSpan.FromHours(random.Next(6, 72)));
            await AddRandomRowsAsync(random, seed, round);
            await factory.FoldAsync();
        }
        var folded = await SnapshotAsync();
        Assert.Equal(await ExpectedAsync(), folded.Figures);
        Assert.Equal(await ExpectedMemberDaysAsync(), folded.MemberDays);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<InsightRollups>().RecomputeRecentAsync(35, CancellationToken.None);
        }
        Assert.Equal(folded.Figures, (await SnapshotAsync()).Figures); // the daily pass finds nothing to change
        await factory.RebuildAsync();
        var rebuilt = await SnapshotAsync();
        Assert.Equal(folded.Figures, rebuilt.Figures);
        Assert.Equal(folded.MemberDays, rebuilt.MemberDays);
        Assert.Equal(folded.Facts, rebuilt.Facts);
    }

    private async Task AddRandomRowsAsync(Random random, int seed, int round)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        DateTime Past(int maxDays) => now.AddMinutes(-random.Next(0, maxDays * 24 * 60));
        var members = Enumerable.Range(0, 8).Select(i => new Member
        {
            Id = $"r{seed}-{round}-{i}-{Guid.NewGuid():N}"[..30], UserName = $"r{seed}x{round}x{i}x{random.Next()}", DisplayName = "Random",
            JoinedAt = now.AddMinutes(-random.Next(0, 60 * 6)), Plan = Plans[random.Next(Plans.Length)] is { Length: > 0 } p ? p : null,
        }).ToList();
        db.Users.AddRange(members);
        var category = new ForumCategory { Slug = $"rc-{Guid.NewGuid():N}"[..20], Name = "Random", Description = "", IsQa = random.Next(2) == 0 };
        db.Add(category);
        var code = new ReferralCode { Code = $"RC{Guid.NewGuid():N}"[..12], Kind = CodeKind.Campaign, CampaignTag = Campaigns[random.Next(3)] };
        db.Add(code);
        await db.SaveChangesAsync();
        var everyone = await db.Users.Select(u => u.Id).ToListAsync();
        for (var t = 0; t < 6; t++)
        {
            var at = Past(40);
            var author = everyone[random.Next(everyone.Count)];
            var thread = new ForumThread
            {
                CategoryId = category.Id, AuthorId = author, Title = "T", Slug = "t", Summary = "", CreatedAt = at, LastPostAt = at,
            };
            db.Add(thread);
            await db.SaveChangesAsync();
            var replies = random.Next(0, 4);
            for (var seq = 1; seq <= 1 + replies; seq++)
            {
                var postAt = seq == 1 ? at : at.AddMinutes(random.Next(1, 3000));
                if (postAt > now) postAt = now;
                db.Add(new ForumPost
                {
                    ThreadId = thread.Id, Seq = seq, AuthorId = seq == 1 ? author : everyone[random.Next(everyone.Count)], Body = "b", Html = "b",
                    CreatedAt = postAt,
                });
            }
            thread.LastSeq = 1 + replies;
            if (category.IsQa && replies > 0 && random.Next(2) == 0) thread.AcceptedSeq = 2;
            await db.SaveChangesAsync();
        }
        for (var c = 0; c < 20; c++) db.Add(new ReferralClick { CodeId = code.Id, At = Past(40) });
        var today = DateOnly.FromDateTime(now);
        var visited = await db.Set<InsightVisit>().Where(v => v.Day == today).Select(v => v.MemberId).ToListAsync();
        foreach (var id in Enumerable.Range(0, 5).Select(_ => everyone[random.Next(everyone.Count)]).Distinct().Except(visited))
        {
            db.Add(new InsightVisit { Day = today, MemberId = id });
        }
        await db.SaveChangesAsync();
    }

    private sealed record Snapshot(List<string> Figures, List<string> MemberDays, List<string> Facts);

    private async Task<Snapshot> SnapshotAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var figures = (await db.Set<InsightFigure>().ToListAsync()).Select(f => $"{f.Metric}|{f.Dimension}|{f.Day:yyyy-MM-dd}|{f.Value}").Order()
            .ToList();
        var days = (await db.Set<InsightMemberDay>().ToListAsync()).Select(m => $"{m.Day:yyyy-MM-dd}|{m.MemberId}").Order().ToList();
        var facts = (await db.Set<ThreadFact>().ToListAsync())
            .Select(f => $"{f.ThreadId}|{f.CategoryId}|{f.Day}|{f.IsQa}|{f.FirstResponseSeconds}|{f.Solved}").Order().ToList();
        return new Snapshot(figures, days, facts);
    }

    /// <summary>The figures worked out here from the raw rows, independently of the roll-up code.</summary>
    private async Task<List<string>> ExpectedAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var threads = await db.Set<ForumThread>().ToDictionaryAsync(t => t.Id);
        var posts = await db.Set<ForumPost>().ToListAsync();
        var members = await db.Users.ToListAsync();
        var codes = await db.Set<ReferralCode>().ToDictionaryAsync(c => c.Id);
        var clicks = await db.Set<ReferralClick>().ToListAsync();
        static string D(DateTime at) => DateOnly.FromDateTime(at).ToString("yyyy-MM-dd");
        var rows = new List<string>();
        rows.AddRange(posts.GroupBy(p => (threads[p.ThreadId].CategoryId, D(p.CreatedAt)))
            .Select(g => $"forum.posts|{g.Key.CategoryId}|{g.Key.Item2}|{g.Count()}"));
        rows.AddRange(threads.Values.GroupBy(t => (t.CategoryId, D(t.CreatedAt)))
            .Select(g => $"forum.threads|{g.Key.CategoryId}|{g.Key.Item2}|{g.Count()}"));
        var categories = await db.Set<ForumCategory>().ToDictionaryAsync(c => c.Id);
        var dayOld = factory.Clock.GetUtcNow().UtcDateTime.AddHours(-24);
        var facts = threads.Values.Select(t => new
        {
            t.CategoryId, Day = D(t.CreatedAt), Qa = categories[t.CategoryId].IsQa, Solved = t.AcceptedSeq != null, Due = t.CreatedAt <= dayOld,
            Response = posts.Where(p => p.ThreadId == t.Id && p.Seq > 1 && p.AuthorId != t.AuthorId)
                .Select(p => (double?)(p.CreatedAt - t.CreatedAt).TotalSeconds)
                .Min(),
        }).ToList();
        foreach (var g in facts.GroupBy(f => (f.CategoryId, f.Day)))
        {
            void Add(string metric, int count) { if (count > 0) rows.Add($"{metric}|{g.Key.CategoryId}|{g.Key.Day}|{count}"); }
            Add("forum.qa", g.Count(f => f.Qa));
            Add("forum.qa.solved", g.Count(f => f.Qa && f.Solved));
            Add("forum.due", g.Count(f => f.Due));
            Add("forum.late", g.Count(f => f.Due && (f.Response is null || f.Response > 86400)));
            foreach (var b in g.Where(f => f.Response is not null).GroupBy(f => ResponseFigures.Bucket((long)f.Response!.Value)))
            {
                rows.Add($"forum.response|{g.Key.CategoryId}:{b.Key}|{g.Key.Day}|{b.Count()}");
            }
        }
        rows.AddRange(members.GroupBy(m => (m.Plan ?? "", D(m.JoinedAt))).Select(g => $"members.joined|{g.Key.Item1}|{g.Key.Item2}|{g.Count()}"));
        rows.AddRange(clicks.GroupBy(c => (codes[c.CodeId].CampaignTag ?? "", D(c.At)))
            .Select(g => $"referral.clicks|{g.Key.Item1}|{g.Key.Item2}|{g.Count()}"));
        var active = (await ExpectedMemberDaysAsync()).Select(s => s.Split('|')).Select(a => (Day: DateOnly.Parse(a[0]), Member: a[1])).ToList();
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var planOf = members.Where(m => m.Plan is not null).ToDictionary(m => m.Id, m => m.Plan);
        for (var day = active.Min(a => a.Day); day <= today; day = day.AddDays(1))
        {
            foreach (var (metric, window) in new[] { ("active.day", 1), ("active.week", 7), ("active.month", 30) })
            {
                var from = day.AddDays(1 - window);
                var inWindow = active.Where(a => a.Day >= from && a.Day <= day).Select(a => a.Member).Distinct().ToList();
                if (inWindow.Count > 0) rows.Add($"{metric}||{day:yyyy-MM-dd}|{inWindow.Count}");
                foreach (var plan in inWindow.Select(m => planOf.GetValueOrDefault(m)).OfType<string>().Distinct())
                {
                    rows.Add($"{metric}|plan:{plan}|{day:yyyy-MM-dd}|{inWindow.Count(m => planOf.GetValueOrDefault(m) == plan)}");
                }
            }
        }
        return rows.Order().ToList();
    }

    private async Task<List<string>> ExpectedMemberDaysAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var posts = (await db.Set<ForumPost>().Select(p => new { p.CreatedAt, p.AuthorId }).ToListAsync())
            .Select(p => $"{DateOnly.FromDateTime(p.CreatedAt):yyyy-MM-dd}|{p.AuthorId}");
        var visits = (await db.Set<InsightVisit>().ToListAsync()).Select(v => $"{v.Day:yyyy-MM-dd}|{v.MemberId}");
        return posts.Concat(visits).Distinct().Order().ToList();
    }
}
