using System.Collections.Concurrent;
using System.Globalization;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// What one member has done in one thread (read mark, watching, own reactions), held in memory per server so that
/// <c>GET /api/threads/{id}/me</c> costs no query once loaded. Read marks move forward in place; watching and reactions
/// drop the member's entries. Both travel as cache signals, so every server sees a change made on any of them.
/// </summary>
public sealed class MemberThreadStates
{
    public const string ReadTopic = "forum-read", MemberTopic = "forum-member";
    private const int MaxEntries = 100_000, MaxReactions = 5_000;
    private readonly ConcurrentDictionary<(string Member, long Thread), Entry> _entries = new();
    private readonly ConcurrentDictionary<string, long> _generations = new(StringComparer.Ordinal);
    private readonly IServiceScopeFactory _scopes;
    private readonly ICacheSignals _signals;
    private long _epoch;

    public MemberThreadStates(IServiceScopeFactory scopes, ICacheSignals signals)
    {
        _scopes = scopes;
        _signals = signals;
        signals.Subscribe(MemberTopic, OnMemberChanged);
        signals.Subscribe(ReadTopic, OnRead);
    }

    /// <summary>The member's state in a thread the caller has already checked they may read.</summary>
    public async Task<ViewerState> GetAsync(ForumViewer viewer, ThreadDto thread, string? userName, CancellationToken ct)
    {
        if (viewer.MemberId is not { } me) return new ViewerState(0, false, [], false, false, null);
        var key = (me, thread.Id);
        var generation = Generation(me);
        if (!_entries.TryGetValue(key, out var entry) || entry.Generation != generation)
        {
            var loaded = await LoadAsync(me, thread.Id, generation, ct);
            if (_entries.Count >= MaxEntries) _entries.Clear(); // a bound, not an LRU: a miss only costs the queries
            // Never replace an entry of the current generation: it may already hold a newer read mark than our load.
            entry = _entries.AddOrUpdate(key, loaded, (_, old) => old.Generation == generation ? old : loaded);
        }
        return new ViewerState(entry.LastReadSeq, entry.Watching, entry.Reactions, viewer.IsModerator, !thread.Locked || viewer.IsModerator,
            userName);
    }

    /// <summary>After the member's read mark moved (call after commit).</summary>
    public void Read(string memberId, long threadId, int seq) =>
        _signals.Publish(ReadTopic, string.Create(CultureInfo.InvariantCulture, $"{threadId}|{seq}|{memberId}"));

    /// <summary>After the member watched, unwatched, reacted or was erased (call after commit).</summary>
    public void Changed(string memberId) => _signals.Publish(MemberTopic, memberId);

    private long Generation(string memberId) => (Interlocked.Read(ref _epoch) << 32) + _generations.GetOrAdd(memberId, 0);

    private void OnMemberChanged(string memberId)
    {
        if (memberId == CacheSignalTopics.Everything || _generations.Count >= 4 * MaxEntries)
        {
            Interlocked.Increment(ref _epoch);
            _generations.Clear();
            _entries.Clear();
            return;
        }
        _generations.AddOrUpdate(memberId, 1, (_, g) => g + 1);
    }

    private void OnRead(string message)
    {
        if (message == CacheSignalTopics.Everything) { OnMemberChanged(message); return; }
        var parts = message.Split('|', 3);
        if (parts.Length != 3 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var threadId)
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var seq)) return;
        var memberId = parts[2];
        if (_entries.TryGetValue((memberId, threadId), out var entry) && entry.Generation == Generation(memberId)) entry.Advance(seq);
        else OnMemberChanged(memberId); // a load may be in flight: make whatever it stores stale
    }

    private async Task<Entry> LoadAsync(string me, long threadId, long generation, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var read = await db.Set<ThreadRead>().AsNoTracking().Where(r => r.MemberId == me && r.ThreadId == threadId)
            .Select(r => (int?)r.LastReadSeq).FirstOrDefaultAsync(ct);
        var watching = await db.Set<ThreadWatch>().AsNoTracking().AnyAsync(w => w.MemberId == me && w.ThreadId == threadId, ct);
        var mine = await (from r in db.Set<PostReaction>().AsNoTracking()
                          join p in db.Set<ForumPost>() on r.PostId equals p.Id
                          where r.MemberId == me && p.ThreadId == threadId
                          orderby p.Seq
                          select new MyReaction(p.Seq, r.Kind)).Take(MaxReactions).ToListAsync(ct);
        return new Entry(generation, read ?? 0, watching, mine);
    }

    private sealed class Entry(long generation, int lastReadSeq, bool watching, IReadOnlyList<MyReaction> reactions)
    {
        private int _lastReadSeq = lastReadSeq;
        public long Generation { get; } = generation;
        public bool Watching { get; } = watching;
        public IReadOnlyList<MyReaction> Reactions { get; } = reactions;
        public int LastReadSeq => Volatile.Read(ref _lastReadSeq);

        public void Advance(int seq)
        {
            for (var seen = LastReadSeq; seq > seen; seen = LastReadSeq)
            {
                if (Interlocked.CompareExchange(ref _lastReadSeq, seq, seen) == seen) return;
            }
        }
    }
}
