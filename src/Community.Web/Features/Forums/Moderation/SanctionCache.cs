using System.Collections.Concurrent;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// Whether a member is silenced or suspended, remembered per server so that posting does not ask the database every time (it was one
/// of a reply's round trips, for an answer that almost never changes). A sanction given or lifted on any server clears that member's
/// entry on every server through the cache signals; an entry also lapses after <see cref="Lifetime"/>, so even a signal lost with a
/// listener's connection cannot keep a stale answer for long (a reconnect drops every entry anyway). A read that started before a
/// change is not stored: each member's entry has a version the signal moves.
/// </summary>
public sealed class SanctionCache
{
    private const string Topic = "forum-sanctions";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly ICacheSignals _signals;
    private readonly TimeProvider _clock;
    private long _epoch;

    private sealed record Entry(MemberSanction? Longest, DateTime LoadedAt, long Version);

    public SanctionCache(ICacheSignals signals, TimeProvider clock)
    {
        _signals = signals;
        _clock = clock;
        signals.Subscribe(Topic, OnChanged);
    }

    /// <summary>The member's longest-running sanction in force now, or null.</summary>
    public async Task<MemberSanction?> ActiveAsync(CommunityDb db, string memberId, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var version = Version(memberId);
        if (_entries.TryGetValue(memberId, out var hit) && hit.Version == version && now - hit.LoadedAt < Lifetime)
        {
            return hit.Longest is { } s && s.Until > now ? s : null;
        }
        var found = await db.Set<MemberSanction>().AsNoTracking()
            .Where(s => s.MemberId == memberId && s.LiftedAt == null && s.Until > now).OrderByDescending(s => s.Until).FirstOrDefaultAsync(ct);
        if (Version(memberId) == version) _entries[memberId] = new Entry(found, now, version);
        return found;
    }

    /// <summary>After a sanction on <paramref name="memberId"/> is given or lifted (and committed): every server forgets its answer.</summary>
    public void Changed(string memberId) => _signals.Publish(Topic, memberId);

    private long Version(string memberId) => Interlocked.Read(ref _epoch) + _versions.GetValueOrDefault(memberId);

    private void OnChanged(string key)
    {
        if (key == CacheSignalTopics.Everything)
        {
            Interlocked.Increment(ref _epoch);
            _entries.Clear();
            return;
        }
        _versions.AddOrUpdate(key, 1, (_, v) => v + 1);
        _entries.TryRemove(key, out _);
    }
}
