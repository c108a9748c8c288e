using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Forums;

/// <summary>A forum section. <see cref="ReadRoles"/> (comma-separated role names), <see cref="ReadPlans"/> and
/// <see cref="ReadAccounts"/> (customer segments) make it private to whoever matches any of them; all null means public.</summary>
public sealed class ForumCategory
{
    public int Id { get; set; }
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public int Position { get; set; }
    /// <summary>Questions & answers: a thread's author may accept one reply as the answer.</summary>
    public bool IsQa { get; set; }
    /// <summary>What the category holds: <see cref="CategoryKinds"/> (discussions, or ideas members vote on).</summary>
    public string Kind { get; set; } = CategoryKinds.Discussion;
    public string? ReadRoles { get; set; }
    /// <summary>Comma-separated product plans (case-insensitive) whose members may read the category.</summary>
    public string? ReadPlans { get; set; }
    /// <summary>Comma-separated product account ids whose members may read the category.</summary>
    public string? ReadAccounts { get; set; }
    public int ThreadCount { get; set; }
    public int PostCount { get; set; }
    public DateTime? LastActivityAt { get; set; }
}

public sealed class ForumThread
{
    public long Id { get; set; }
    public int CategoryId { get; set; }
    public string AuthorId { get; set; } = "";
    public string Title { get; set; } = "";
    public string Slug { get; set; } = "";
    /// <summary>Plain-text start of the first post: og:description, activity summaries.</summary>
    public string Summary { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime LastPostAt { get; set; }
    /// <summary>The highest post sequence number handed out (gapless 1..LastSeq).</summary>
    public int LastSeq { get; set; }
    /// <summary>Bumped by every change in the thread; live events carry it so clients can drop stale ones.</summary>
    public long Version { get; set; }
    public bool IsLocked { get; set; }
    public bool IsPinned { get; set; }
    public bool IsDeleted { get; set; }
    public int? AcceptedSeq { get; set; }
}

public sealed class ForumPost
{
    public long Id { get; set; }
    public long ThreadId { get; set; }
    public int Seq { get; set; }
    public string AuthorId { get; set; } = "";
    public string Body { get; set; } = "";
    public string Html { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? EditedAt { get; set; }
    public bool IsHidden { get; set; }
    public bool IsDeleted { get; set; }
    /// <summary>The thread version of this post's last change.</summary>
    public long Version { get; set; }
}

public sealed class PostRevision
{
    public long Id { get; set; }
    public long PostId { get; set; }
    public string EditorId { get; set; } = "";
    /// <summary>The Markdown as it was before the edit.</summary>
    public string Body { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public sealed class PostReaction
{
    public long Id { get; set; }
    public long PostId { get; set; }
    public string MemberId { get; set; } = "";
    public string Kind { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

public sealed class PostFlag
{
    public long Id { get; set; }
    public long PostId { get; set; }
    public string MemberId { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public string? ResolvedById { get; set; }
    /// <summary>hidden or dismissed.</summary>
    public string? Resolution { get; set; }
}

/// <summary>Audit log: every moderator action with who, when, what and why.</summary>
public sealed class ModAction
{
    public long Id { get; set; }
    public string ModeratorId { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}

/// <summary>A moderator's silence (may read, may not post) or suspension (may not sign in) until a time.</summary>
public sealed class MemberSanction
{
    public long Id { get; set; }
    public string MemberId { get; set; } = "";
    public string Kind { get; set; } = "";
    public DateTime Until { get; set; }
    public string Reason { get; set; } = "";
    public string CreatedById { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? LiftedAt { get; set; }
}

/// <summary>Per-member read watermark per thread.</summary>
public sealed class ThreadRead
{
    public string MemberId { get; set; } = "";
    public long ThreadId { get; set; }
    public int LastReadSeq { get; set; }
}

public sealed class ThreadWatch
{
    public string MemberId { get; set; } = "";
    public long ThreadId { get; set; }
}

public sealed class ForumNotification
{
    public long Id { get; set; }
    public string MemberId { get; set; } = "";
    /// <summary>mention, reply or answer.</summary>
    public string Kind { get; set; } = "";
    public long ThreadId { get; set; }
    public int Seq { get; set; }
    public string Text { get; set; } = "";
    public string Url { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
}

internal sealed class ForumCategoryConfiguration : IEntityTypeConfiguration<ForumCategory>
{
    public void Configure(EntityTypeBuilder<ForumCategory> b)
    {
        b.ToTable("ForumCategories");
        b.Property(x => x.Slug).HasMaxLength(80).IsRequired();
        b.Property(x => x.Name).HasMaxLength(80).IsRequired();
        b.Property(x => x.Description).HasMaxLength(500).IsRequired();
        b.Property(x => x.Kind).HasMaxLength(20).HasDefaultValue(CategoryKinds.Discussion);
        b.Property(x => x.ReadRoles).HasMaxLength(200);
        b.Property(x => x.ReadPlans).HasMaxLength(CategorySegmentRules.PlansMax);
        b.Property(x => x.ReadAccounts).HasMaxLength(CategorySegmentRules.AccountsMax);
        b.HasIndex(x => x.Slug).IsUnique();
    }
}

internal sealed class ForumThreadConfiguration : IEntityTypeConfiguration<ForumThread>
{
    public void Configure(EntityTypeBuilder<ForumThread> b)
    {
        b.ToTable("ForumThreads");
        b.Property(x => x.AuthorId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Title).HasMaxLength(200).IsRequired();
        b.Property(x => x.Slug).HasMaxLength(200).IsRequired();
        b.Property(x => x.Summary).HasMaxLength(300).IsRequired();
        b.HasOne<ForumCategory>().WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => new { x.CategoryId, x.LastPostAt });
        b.HasIndex(x => x.LastPostAt);
        b.HasIndex(x => x.AuthorId); // a member's threads: the Welcomer badge asks whether a thread was its author's first
        b.HasIndex(x => x.CreatedAt); // insights: a day's new threads
    }
}

internal sealed class ForumPostConfiguration : IEntityTypeConfiguration<ForumPost>
{
    public void Configure(EntityTypeBuilder<ForumPost> b)
    {
        b.ToTable("ForumPosts");
        b.Property(x => x.AuthorId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Body).IsRequired();
        b.Property(x => x.Html).IsRequired();
        b.HasOne<ForumThread>().WithMany().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ThreadId, x.Seq }).IsUnique();
        b.HasIndex(x => x.AuthorId);
        b.HasIndex(x => x.CreatedAt); // insights: a day's posts
    }
}

internal sealed class PostRevisionConfiguration : IEntityTypeConfiguration<PostRevision>
{
    public void Configure(EntityTypeBuilder<PostRevision> b)
    {
        b.ToTable("ForumPostRevisions");
        b.Property(x => x.EditorId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Body).IsRequired();
        b.HasOne<ForumPost>().WithMany().HasForeignKey(x => x.PostId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.PostId);
    }
}

internal sealed class PostReactionConfiguration : IEntityTypeConfiguration<PostReaction>
{
    public void Configure(EntityTypeBuilder<PostReaction> b)
    {
        b.ToTable("ForumReactions");
        b.Property(x => x.MemberId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Kind).HasMaxLength(20).IsRequired();
        b.HasOne<ForumPost>().WithMany().HasForeignKey(x => x.PostId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.PostId, x.MemberId, x.Kind }).IsUnique();
        b.HasIndex(x => new { x.MemberId, x.CreatedAt }); // a member's latest reaction, for their lifecycle stage
        b.HasIndex(x => x.CreatedAt); // insights: a day's reactions
    }
}

internal sealed class PostFlagConfiguration : IEntityTypeConfiguration<PostFlag>
{
    public void Configure(EntityTypeBuilder<PostFlag> b)
    {
        b.ToTable("ForumFlags");
        b.Property(x => x.MemberId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Reason).HasMaxLength(500).IsRequired();
        b.Property(x => x.ResolvedById).HasMaxLength(450);
        b.Property(x => x.Resolution).HasMaxLength(20);
        b.HasOne<ForumPost>().WithMany().HasForeignKey(x => x.PostId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.PostId, x.MemberId }).IsUnique();
        b.HasIndex(x => x.ResolvedAt);
    }
}

internal sealed class ModActionConfiguration : IEntityTypeConfiguration<ModAction>
{
    public void Configure(EntityTypeBuilder<ModAction> b)
    {
        b.ToTable("ForumModActions");
        b.Property(x => x.ModeratorId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Action).HasMaxLength(40).IsRequired();
        b.Property(x => x.Target).HasMaxLength(200).IsRequired();
        b.Property(x => x.Reason).HasMaxLength(500).IsRequired();
        b.HasIndex(x => x.CreatedAt);
    }
}

internal sealed class MemberSanctionConfiguration : IEntityTypeConfiguration<MemberSanction>
{
    public void Configure(EntityTypeBuilder<MemberSanction> b)
    {
        b.ToTable("ForumSanctions");
        b.Property(x => x.MemberId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Kind).HasMaxLength(20).IsRequired();
        b.Property(x => x.Reason).HasMaxLength(500).IsRequired();
        b.Property(x => x.CreatedById).HasMaxLength(450).IsRequired();
        b.HasIndex(x => new { x.MemberId, x.Until });
    }
}

internal sealed class ThreadReadConfiguration : IEntityTypeConfiguration<ThreadRead>
{
    public void Configure(EntityTypeBuilder<ThreadRead> b)
    {
        b.ToTable("ForumThreadReads");
        b.HasKey(x => new { x.MemberId, x.ThreadId });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.HasOne<ForumThread>().WithMany().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.ThreadId);
    }
}

internal sealed class ThreadWatchConfiguration : IEntityTypeConfiguration<ThreadWatch>
{
    public void Configure(EntityTypeBuilder<ThreadWatch> b)
    {
        b.ToTable("ForumThreadWatches");
        b.HasKey(x => new { x.ThreadId, x.MemberId });
        b.Property(x => x.MemberId).HasMaxLength(450);
        b.HasOne<ForumThread>().WithMany().HasForeignKey(x => x.ThreadId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ForumNotificationConfiguration : IEntityTypeConfiguration<ForumNotification>
{
    public void Configure(EntityTypeBuilder<ForumNotification> b)
    {
        b.ToTable("ForumNotifications");
        b.Property(x => x.MemberId).HasMaxLength(450).IsRequired();
        b.Property(x => x.Kind).HasMaxLength(20).IsRequired();
        b.Property(x => x.Text).HasMaxLength(300).IsRequired();
        b.Property(x => x.Url).HasMaxLength(300).IsRequired();
        b.HasIndex(x => new { x.MemberId, x.Id });
    }
}
