using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>
/// The advocate leaderboard, built by one GROUP BY over all referrals and then held in memory, so a dashboard or
/// leaderboard request costs a dictionary lookup however many referrals exist. It is rebuilt after an opt-out change or a
/// review decision (on every server, through cache signals) and at most <see cref="MaxAge"/> after anything else
/// (conversions and sign-ups arrive through several paths; a few seconds' lag on a ranking is harmless).
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

    public Leaderboard(IServiceScopeFactory scopes, TimeProvider clock, ICacheSignals signals)
    {
        _scopes = scopes;
        _clock = clock;
        _signals = signals;
        signals.Subscribe(Topic, _ => _current = null);
    }

    private sealed record Entry(string MemberId, string DisplayName, int Conversions, int Signups);
    private sealed record Snapshot(IReadOnlyList<Entry> Ordered, IReadOnlyDictionary<string, int> Ranks, DateTimeOffset BuiltAt);

    /// <summary>After a change that should show at once (call after commit).</summary>
    public void Changed() => _signals.Publish(Topic, "");

    public async Task<int?> RankAsync(string memberId, CancellationToken ct) =>
        (await CurrentAsync(ct)).Ranks.TryGetValue(memberId, out var rank) ? rank : null;

    public async Task<List<LeaderboardRow>> TopAsync(string? me, int take, CancellationToken ct)
    {
        var snapshot = await CurrentAsync(ct);
        // Display names only: never emails or handles.
        return [.. snapshot.Ordered.Take(take).Select((r, i) => new LeaderboardRow(i + 1, r.DisplayName, r.Conversions, r.Signups, r.MemberId == me))];
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken ct)
    {
        if (_current is { } fresh && _clock.GetUtcNow() - fresh.BuiltAt < MaxAge) return fresh;
        await _building.WaitAsync(ct);
        try
        {
            if (_current is { } built && _clock.GetUtcNow() - built.BuiltAt < MaxAge) return built;
            var snapshot = await BuildAsync(ct);
            _current = snapshot;
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
            .Select(g => new { Id = g.Key, Signups = g.Count(), Conversions = g.Count(r => r.ConvertedAt != null) })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName })
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var ordered = rows.OrderByDescending(r => r.Conversions).ThenByDescending(r => r.Signups).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => new Entry(r.Id, names.GetValueOrDefault(r.Id) ?? "Former member", r.Conversions, r.Signups)).ToList();
        var ranks = new Dictionary<string, int>(ordered.Count, StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++) ranks[ordered[i].MemberId] = i + 1;
        return new Snapshot(ordered, ranks, at);
    }
}
