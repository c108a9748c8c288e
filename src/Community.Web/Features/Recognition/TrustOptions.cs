namespace Community.Web.Features.Recognition;

/// <summary>What a level asks for: all of these at once.</summary>
public sealed class TrustThreshold
{
    public int DaysVisited { get; set; }
    public long PostsRead { get; set; }
    public int Replies { get; set; }
    /// <summary>Flags against the member's posts that were not dismissed: more than this keeps them below the level.</summary>
    public int MaxFlagsAgainst { get; set; } = int.MaxValue;
}

/// <summary>Configuration section <c>Trust</c>: the thresholds of trust levels 1–3 (level 0 is everyone else) and what the levels gate.</summary>
public sealed class TrustOptions
{
    public const string Section = "Trust";

    public TrustThreshold Level1 { get; set; } = new() { DaysVisited = 2, PostsRead = 10, Replies = 0, MaxFlagsAgainst = 5 };
    public TrustThreshold Level2 { get; set; } = new() { DaysVisited = 10, PostsRead = 100, Replies = 5, MaxFlagsAgainst = 2 };
    public TrustThreshold Level3 { get; set; } = new() { DaysVisited = 50, PostsRead = 500, Replies = 30, MaxFlagsAgainst = 0 };

    /// <summary>Members below this level cannot post links or images (0 turns the gate off).</summary>
    public int LinksMinimumLevel { get; set; } = 1;

    /// <summary>A flag by a member at this level hides the post at once, pending a moderator's review.</summary>
    public int FlagHidesLevel { get; set; } = 3;

    /// <summary>Handle member activity (visits, levels, badges) as it is reported. Off only to measure what the listener costs (the bench);
    /// the daily pass still runs.</summary>
    public bool Listen { get; set; } = true;

    /// <summary>Run the daily pass (recompute every trust level, grant missed badges) in the background.</summary>
    public bool DailyPass { get; set; } = true;

    /// <summary>The level these figures reach (the highest whose every threshold is met).</summary>
    public int LevelFor(int daysVisited, long postsRead, int replies, int flagsAgainst)
    {
        TrustThreshold[] levels = [Level3, Level2, Level1];
        for (var i = 0; i < levels.Length; i++)
        {
            var t = levels[i];
            if (daysVisited >= t.DaysVisited && postsRead >= t.PostsRead && replies >= t.Replies && flagsAgainst <= t.MaxFlagsAgainst) return 3 - i;
        }
        return 0;
    }
}
