namespace Community.Web.Features.Lifecycle;

/// <summary>What the stage rules need to know about one member, gathered from the features that own each fact.</summary>
public sealed class MemberFacts(string memberId)
{
    public string MemberId { get; } = memberId;
    /// <summary>Null until Accounts vouches the member exists (a fact about an erased member is dropped).</summary>
    public DateTime? JoinedAt { get; set; }
    public string? ExternalId { get; set; }
    /// <summary>The latest contribution (thread, reply), vote (reaction, idea vote) or referred sign-up.</summary>
    public DateTime? LastActiveAt { get; set; }
    public int AcceptedAnswers { get; set; }
    public int ReferredSignUps { get; set; }
    public bool Featured { get; set; }
    /// <summary>The member's advocate tier when it is the program's top tier (for example "Gold"); otherwise null.</summary>
    public string? TopTier { get; set; }
}

/// <summary>
/// The facts of every member (<see cref="Only"/> null: the daily pass) or of a few (a batch of activity). Each owning feature adds
/// its own through an <see cref="IMemberFactSource"/>, reading its own tables with one grouped query, so Lifecycle never reads them.
/// </summary>
public sealed class MemberFactSet(IReadOnlyCollection<string>? only)
{
    private readonly Dictionary<string, MemberFacts> _facts = new(only?.Count ?? 1024, StringComparer.Ordinal);

    /// <summary>The members asked about, or null for everyone.</summary>
    public IReadOnlyCollection<string>? Only { get; } = only;

    public IEnumerable<MemberFacts> Members => _facts.Values.Where(f => f.JoinedAt is not null);

    public MemberFacts this[string memberId]
    {
        get
        {
            if (!_facts.TryGetValue(memberId, out var facts)) _facts[memberId] = facts = new MemberFacts(memberId);
            return facts;
        }
    }

    /// <summary>Keeps the latest of the activity times reported by several sources.</summary>
    public void Active(string memberId, DateTime at)
    {
        var facts = this[memberId];
        if (facts.LastActiveAt is not { } known || at > known) facts.LastActiveAt = at;
    }
}

/// <summary>One feature's facts about members (Accounts: who exists and since when; Forums: activity and accepted answers; Referrals:
/// referred sign-ups and tiers; Publishing: stories). Must cost one set-based query per fact, whatever the number of members.</summary>
public interface IMemberFactSource
{
    Task AddFactsAsync(MemberFactSet facts, CancellationToken ct);
}
