using System.Diagnostics;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>
/// The advocate leaderboard, built by one GROUP BY over all referrals and then held in memory, so a dashboard or
/// leaderboard request costs a dictionary lookup however many referrals exist. Sign-ups, claims, reviews and opt-outs
/// retire it at once on every server (cache signals); conversions arrive at machine rate from the events API, so they
/// retire it at most once a second; and it never lives longer than <see cref="MaxAge"/>. While one request rebuilds it,
/// the others keep answering from the previous one.
/// </summary>
public sealed class Leaderboard : IDisposable
{
    public const string Topic = "referral-leaderboard";
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly ICacheSignals _signals;
    private readonly SemaphoreSlim _building = new(1, 1);
    private volatile Snapshot? _current;
    private long _lastConversionSignal, _version;

    public Leaderboard(IServiceScopeFactory scopes, TimeProvider clock, ICacheSignals signals)
    {
        _scopes = scopes;
        _clock = clock;
        _signals = signals;
        signals.Subscribe(Topic, _ =>
        {
            Interlocked.Increment(ref _version);
            _current = null;
        });
    }

    private sealed record Entry(string MemberId, string DisplayName, int Conversions, int Signups);
    private sealed record Snapshot(IReadOnlyList<Entry> Ordered, IReadOnlyDictionary<string, int> Ranks, DateTimeOffset BuiltAt);

    /// <summary>After a change that should show at once (call after commit).</summary>
    public void Changed() => _signals.Publish(Topic, "");

    /// <summary>After the events API recorded conversions: at most one signal a second from this server.</summary>
    public void Converted()
    {
        var last = Interlocked.Read(ref _lastConversionSignal);
        if (Stopwatch.GetElapsedTime(last) < TimeSpan.FromSeconds(1)) return;
        if (Interlocked.CompareExchange(ref _lastConversionSignal, Stopwatch.GetTimestamp(), last) == last) Changed();
    }

    public async Task<int?> RankAsync(string memberId, CancellationToken ct) =>
        (await CurrentAsync(ct)).Ranks.TryGetValue(memberId, out var rank) ? rank : null;

    public async Task<List<LeaderboardRow>> TopAsync(string? me, int take, CancellationToken ct)
    {
        var snapshot = await CurrentAsync(ct);
        // Display names only: never emails or handles.
        return [.. snapshot.Ordered.Take(take)
            .Select((r, i) => new LeaderboardRow(i + 1, r.DisplayName, r.Conversions, r.Signups, r.MemberId == me))];
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        var previous = _current;
        if (previous is not null && _clock.GetUtcNow() - previous.BuiltAt < MaxAge) return previous;
        if (previous is null) await _building.WaitAsync(ct);
        else if (!await _building.WaitAsync(0, ct)) return previous; // stale for this request only: someone is rebuilding it
        try
        {
            if (_current is { } built && _clock.GetUtcNow() - built.BuiltAt < MaxAge) return built;
            var version = Interlocked.Read(ref _version);
            var snapshot = await BuildAsync(ct);
            // A change signalled during the build may be missing from it: keep it for now, rebuild on the next request.
            _current = version == Interlocked.Read(ref _version) ? snapshot : snapshot with { BuiltAt = DateTimeOffset.MinValue };
            return snapshot;
        }
        finally { _building.Release(); }
    }

    public void Dispose() => _building.Dispose();

    private async Task<Snapshot> BuildAsync(CancellationToken ct)
    {
        var at = _clock.GetUtcNow();
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var optedOut = db.Set<AdvocateSettings>().Where(s => s.LeaderboardOptOut).Select(s => s.MemberId);
        var rows = await db.Set<Referral>().AsNoTracking()
            .Where(r => r.AdvocateId != null && !r.IsTest && r.Decision == ReferralDecision.Allow && !optedOut.Contains(r.AdvocateId))
            .GroupBy(r => r.AdvocateId!)
            .Select(g => new { Id = g.Key, Signups = g.Count(r => r.ConfirmedAt != null), Conversions = g.Count(r => r.ConvertedAt != null) })
            .ToListAsync(ct);
        var names = await scope.ServiceProvider.GetRequiredService<IMemberDirectory>().FindManyAsync(rows.Select(r => r.Id), ct);
        var ordered = rows.OrderByDescending(r => r.Conversions).ThenByDescending(r => r.Signups).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => new Entry(r.Id, names.GetValueOrDefault(r.Id)?.DisplayName ?? "Former member", r.Conversions, r.Signups)).ToList();
        var ranks = new Dictionary<string, int>(ordered.Count, StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++) ranks[ordered[i].MemberId] = i + 1;
        return new Snapshot(ordered, ranks, at);
    }
}
