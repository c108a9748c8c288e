using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Markdown;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>Flags, the moderator queue, sanctions and the audit log.</summary>
public sealed class Moderation(CommunityDb db, ForumReader reader, ForumWriter writer, ILiveBus bus, TimeProvider clock, PostingLimiter limiter,
    UserManager<Member> users, MemberSessions sessions)
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<FlagDto> FlagAsync(ForumViewer viewer, long postId, FlagRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("reason", request.Reason, 3, 500, "Reason");
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        var post = await db.Set<ForumPost>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId, ct) ?? throw ForumProblemException.NotFound("post");
        var found = await reader.ThreadAsync(post.ThreadId, viewer, ct) ?? throw ForumProblemException.NotFound("post");
        if (post.IsDeleted) throw ForumProblemException.Conflict("This post was deleted.");
        var me = viewer.MemberId!;
        if (await db.Set<PostFlag>().AnyAsync(f => f.PostId == postId && f.MemberId == me, ct)) throw ForumProblemException.Conflict("You already flagged this post.");
        if (!viewer.IsModerator) limiter.Flag(me);
        var flag = new PostFlag { PostId = postId, MemberId = me, Reason = request.Reason!.Trim(), CreatedAt = Now };
        db.Add(flag);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw ForumProblemException.Conflict("You already flagged this post.");
        }
        var dto = (await FlagsAsync(Staff, ct, flag.Id)).Single();
        // Only to moderators who may read the category: the flag carries the thread title and an excerpt.
        await bus.PublishAsync(ForumLive.ModQueueFor(found.Category.Id), ForumLive.FlagCreated, dto, ct);
        return dto;
    }

    private static readonly ForumViewer Staff = ForumViewer.Anonymous with { Roles = new HashSet<string>([Roles.Admin], StringComparer.Ordinal) };

    /// <summary>How many flags the moderator may act on wait in the queue: the number on the staff menu's Moderation link.</summary>
    public async Task<int> OpenFlagCountAsync(ForumViewer viewer, CancellationToken ct)
    {
        var readable = (await reader.CategoriesAsync(ct)).Values.Where(viewer.CanRead).Select(c => c.Id).ToList();
        return await (from f in db.Set<PostFlag>()
                      join p in db.Set<ForumPost>() on f.PostId equals p.Id
                      join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                      where f.ResolvedAt == null && readable.Contains(t.CategoryId)
                      select f.Id).CountAsync(ct);
    }

    /// <summary>Open flags the moderator may read (their thread's category), newest first; or one flag by id.</summary>
    public async Task<List<FlagDto>> FlagsAsync(ForumViewer viewer, CancellationToken ct, long? id = null)
    {
        var readable = (await reader.CategoriesAsync(ct)).Values.Where(viewer.CanRead).Select(c => c.Id).ToList();
        var q = from f in db.Set<PostFlag>().AsNoTracking()
                join p in db.Set<ForumPost>() on f.PostId equals p.Id
                join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                join a in db.Users on p.AuthorId equals a.Id
                join flagger in db.Users on f.MemberId equals flagger.Id
                where readable.Contains(t.CategoryId)
                select new { f, p.ThreadId, p.Seq, p.Html, p.IsHidden, t.Title, t.Slug, a.UserName, a.DisplayName, a.AvatarUrl, By = flagger.DisplayName };
        q = id is { } one ? q.Where(x => x.f.Id == one) : q.Where(x => x.f.ResolvedAt == null);
        var rows = await q.OrderByDescending(x => x.f.Id).Take(200).ToListAsync(ct);
        return [.. rows.Select(x => new FlagDto(x.f.Id, x.f.PostId, x.ThreadId, x.Seq, x.Title, $"{ForumReader.ThreadUrl(x.ThreadId, x.Slug)}#p{x.Seq}",
            MarkdownRenderer.PlainText(x.Html, 240), new AuthorDto(x.UserName!, x.DisplayName, x.AvatarUrl), x.By, x.f.Reason, x.f.CreatedAt, x.IsHidden))];
    }

    /// <summary>Bulk action on the queue: hide the flagged posts, or dismiss the flags.</summary>
    public async Task<int> ResolveAsync(ForumViewer viewer, ResolveFlagsRequest request, CancellationToken ct)
    {
        var ids = request.Ids?.Distinct().ToList() ?? [];
        var errors = new FieldErrors();
        if (ids.Count is 0 or > 200) errors.Add("ids", "Select 1–200 flags.");
        if (request.Action is not ("hide" or "dismiss")) errors.Add("action", "Action is hide or dismiss.");
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        // Flags in categories the moderator cannot read are not theirs to act on: they stay open for someone who can.
        var readable = (await reader.CategoriesAsync(ct)).Values.Where(viewer.CanRead).Select(c => c.Id).ToList();
        ids = await (from f in db.Set<PostFlag>().AsNoTracking()
                     join p in db.Set<ForumPost>() on f.PostId equals p.Id
                     join t in db.Set<ForumThread>() on p.ThreadId equals t.Id
                     where ids.Contains(f.Id) && readable.Contains(t.CategoryId)
                     select f.Id).ToListAsync(ct);
        var flags = await db.Set<PostFlag>().Where(f => ids.Contains(f.Id) && f.ResolvedAt == null).ToListAsync(ct);
        if (request.Action == "hide")
        {
            foreach (var postId in flags.Select(f => f.PostId).Distinct().ToList())
            {
                var hidden = await db.Set<ForumPost>().AsNoTracking().Where(p => p.Id == postId).Select(p => p.IsHidden || p.IsDeleted).FirstAsync(ct);
                if (!hidden) await writer.SetHiddenAsync(viewer, postId, true, request.Reason ?? "Flagged", ct);
            }
            db.ChangeTracker.Clear();
            flags = await db.Set<PostFlag>().Where(f => ids.Contains(f.Id) && f.ResolvedAt == null).ToListAsync(ct);
        }
        foreach (var f in flags)
        {
            f.ResolvedAt = Now;
            f.ResolvedById = viewer.MemberId;
            f.Resolution = request.Action == "hide" ? "hidden" : "dismissed";
        }
        if (request.Action == "dismiss" && flags.Count > 0)
        {
            db.Add(new ModAction { ModeratorId = viewer.MemberId!, Action = "dismiss-flags", Target = $"{flags.Count} flag(s)", Reason = request.Reason?.Trim() ?? "", CreatedAt = Now });
        }
        await db.SaveChangesAsync(ct);
        await bus.PublishAsync(ForumLive.ModQueue, ForumLive.FlagsResolved, new FlagsResolvedEvent(ids), ct);
        return flags.Count;
    }

    public async Task<SanctionDto> SanctionAsync(ForumViewer viewer, string userName, SanctionRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (request.Kind is not (SanctionKinds.Silence or SanctionKinds.Suspend)) errors.Add("kind", "Kind is silence or suspend.");
        if (request.Days is not (>= 1 and <= 3650)) errors.Add("days", "Days must be between 1 and 3650.");
        errors.Text("reason", request.Reason, 3, 500, "Reason");
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        var member = await users.FindByNameAsync(userName) ?? throw ForumProblemException.NotFound("member");
        var roles = await users.GetRolesAsync(member);
        if (member.Id == viewer.MemberId) throw ForumProblemException.Conflict("You cannot sanction yourself.");
        if (roles.Contains(Roles.Admin) || (roles.Contains(Roles.Moderator) && !viewer.IsAdmin)) throw ForumProblemException.Forbidden("Staff can only be sanctioned by an admin, and admins not at all.");
        var until = Now.AddDays(request.Days!.Value);
        var sanction = new MemberSanction { MemberId = member.Id, Kind = request.Kind!, Until = until, Reason = request.Reason!.Trim(), CreatedById = viewer.MemberId!, CreatedAt = Now };
        db.Add(sanction);
        db.Add(new ModAction { ModeratorId = viewer.MemberId!, Action = request.Kind!, Target = $"@{member.UserName} for {request.Days} day(s)", Reason = sanction.Reason, CreatedAt = Now });
        await db.SaveChangesAsync(ct);
        if (request.Kind == SanctionKinds.Suspend)
        {
            await users.SetLockoutEnabledAsync(member, true);
            await users.SetLockoutEndDateAsync(member, new DateTimeOffset(until, TimeSpan.Zero));
            await sessions.EndAllAsync(member); // signed out everywhere, live connections included, at once
            await sessions.AnnounceAsync(member.Id, ct);
        }
        return new SanctionDto(sanction.Id, member.UserName!, sanction.Kind, until, sanction.Reason);
    }

    public async Task<List<SanctionDto>> SanctionsAsync(CancellationToken ct)
    {
        var now = Now;
        return await (from s in db.Set<MemberSanction>().AsNoTracking()
                      join u in db.Users on s.MemberId equals u.Id
                      where s.LiftedAt == null && s.Until > now
                      orderby s.Until
                      select new SanctionDto(s.Id, u.UserName!, s.Kind, s.Until, s.Reason)).ToListAsync(ct);
    }

    public async Task LiftAsync(ForumViewer viewer, long id, CancellationToken ct)
    {
        var sanction = await db.Set<MemberSanction>().FirstOrDefaultAsync(s => s.Id == id && s.LiftedAt == null, ct) ?? throw ForumProblemException.NotFound("sanction");
        sanction.LiftedAt = Now;
        var member = await users.FindByIdAsync(sanction.MemberId);
        db.Add(new ModAction { ModeratorId = viewer.MemberId!, Action = "lift-" + sanction.Kind, Target = "@" + member?.UserName, Reason = "", CreatedAt = Now });
        await db.SaveChangesAsync(ct);
        if (sanction.Kind == SanctionKinds.Suspend && member is not null) await users.SetLockoutEndDateAsync(member, null);
    }

    public async Task<List<ModActionDto>> AuditAsync(CancellationToken ct) =>
        await (from a in db.Set<ModAction>().AsNoTracking()
               join u in db.Users on a.ModeratorId equals u.Id
               orderby a.Id descending
               select new ModActionDto(a.Id, u.DisplayName, a.Action, a.Target, a.Reason, a.CreatedAt)).Take(200).ToListAsync(ct);

    /// <summary>The Markdown of a post, for its author (or a moderator) to edit.</summary>
    public async Task<PostSource> SourceAsync(ForumViewer viewer, long postId, CancellationToken ct)
    {
        var post = await db.Set<ForumPost>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId, ct) ?? throw ForumProblemException.NotFound("post");
        _ = await reader.ThreadAsync(post.ThreadId, viewer, ct) ?? throw ForumProblemException.NotFound("post");
        if (post.AuthorId != viewer.MemberId && !viewer.IsModerator) throw ForumProblemException.Forbidden("You can only edit your own posts.");
        return new PostSource(post.Body);
    }

    public async Task<List<RevisionDto>> RevisionsAsync(ForumViewer viewer, long postId, CancellationToken ct)
    {
        var post = await db.Set<ForumPost>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == postId, ct) ?? throw ForumProblemException.NotFound("post");
        _ = await reader.ThreadAsync(post.ThreadId, viewer, ct) ?? throw ForumProblemException.NotFound("post");
        if ((post.IsHidden || post.IsDeleted) && !viewer.IsModerator) throw ForumProblemException.NotFound("post");
        return await (from r in db.Set<PostRevision>().AsNoTracking()
                      join u in db.Users on r.EditorId equals u.Id
                      where r.PostId == postId
                      orderby r.Id descending
                      select new RevisionDto(r.Body, r.CreatedAt, u.DisplayName)).ToListAsync(ct);
    }
}
