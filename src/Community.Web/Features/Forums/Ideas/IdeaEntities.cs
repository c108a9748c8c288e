using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Forums;

/// <summary>
/// What makes a thread in an Ideas category an idea: its status, the vote count and where it was merged. The row is made the
/// first time anyone votes on the idea or staff act on it; until then the idea is New with no votes.
/// </summary>
public sealed class Idea
{
    public long ThreadId { get; set; }
    /// <summary><see cref="IdeaStatuses"/>.</summary>
    public string Status { get; set; } = IdeaStatuses.New;
    public string? StatusNote { get; set; }
    public DateTime? StatusChangedAt { get; set; }
    /// <summary>A shipped idea's announcement (a thread or story on this site): a local path.</summary>
    public string? AnnouncementUrl { get; set; }
    /// <summary>The number of <see cref="IdeaVote"/> rows, moved in the same transaction as each vote.</summary>
    public int VoteCount { get; set; }
    /// <summary>The idea this duplicate was merged into: its page redirects there and its votes moved there.</summary>
    public long? MergedIntoId { get; set; }
}

/// <summary>One member's vote on one idea (the key makes a second impossible).</summary>
public sealed class IdeaVote
{
    public long ThreadId { get; set; }
    public string MemberId { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>The statuses staff give ideas, in the order the board shows them. Shipped and Declined close an idea: its votes
/// return to the voters' budgets.</summary>
public static class IdeaStatuses
{
    public const string New = "new", UnderReview = "under-review", Planned = "planned", InProgress = "in-progress";
    public const string Shipped = "shipped", Declined = "declined";

    public static readonly IReadOnlyList<string> All = [New, UnderReview, Planned, InProgress, Shipped, Declined];
    public static readonly IReadOnlyList<string> Closed = [Shipped, Declined];
    public static readonly IReadOnlyList<string> OnRoadmap = [Planned, InProgress, Shipped];

    public static bool IsClosed(string status) => Closed.Contains(status);

    public static string Label(string status) => status switch
    {
        UnderReview => "Under review",
        Planned => "Planned",
        InProgress => "In progress",
        Shipped => "Shipped",
        Declined => "Declined",
        _ => "New",
    };
}

internal sealed class IdeaConfiguration : IEntityTypeConfiguration<Idea>
{
    public void Configure(EntityTypeBuilder<Idea> b)
    {
        b.ToTable("Ideas");
        b.HasKey(x => x.ThreadId);
        b.Property(x => x.ThreadId).ValueGeneratedNever();
        b.Property(x => x.Status).HasMaxLength(20).IsRequired();
        b.Property(x => x.StatusNote).HasMaxLength(500);
        b.Property(x => x.AnnouncementUrl).HasMaxLength(300);
        b.HasOne<ForumThread>().WithOne().HasForeignKey<Idea>(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.Status);
    }
}

internal sealed class IdeaVoteConfiguration : IEntityTypeConfiguration<IdeaVote>
{
    public void Configure(EntityTypeBuilder<IdeaVote> b)
    {
        b.ToTable("IdeaVotes");
        b.HasKey(x => new { x.ThreadId, x.MemberId });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.HasOne<ForumThread>().WithMany().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.MemberId);
        b.HasIndex(x => new { x.ThreadId, x.CreatedAt });
    }
}
