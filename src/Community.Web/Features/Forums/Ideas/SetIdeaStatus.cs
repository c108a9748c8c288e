using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>
/// PUT /api/ideas/{id}/status: staff (moderators, marketing, admins) set an idea's status with an optional note, and a shipped
/// idea's announcement (a local path). Every voter and watcher who may read the idea is notified in the app, live; email follows the
/// member's preferences elsewhere (it reads notifications by kind).
/// </summary>
public static class SetIdeaStatus
{
    public const int NoteMax = 500, UrlMax = 300;

    public static void Map(IEndpointRouteBuilder members) =>
        members.MapPut("/ideas/{id:long}/status", (long id, IdeaStatusRequest request, ClaimsPrincipal user, Handler handler, CancellationToken ct) =>
            handler.HandleAsync(ForumViewer.From(user), id, request, ct));

    public static FieldErrors Validate(IdeaStatusRequest request)
    {
        var errors = new FieldErrors();
        if (request.Status is null || !IdeaStatuses.All.Contains(request.Status))
        {
            errors.Add("status", $"Choose one of: {string.Join(", ", IdeaStatuses.All)}.");
        }
        if (request.Note is { Length: > NoteMax }) errors.Add("note", $"Keep the note under {NoteMax} characters.");
        if (request.AnnouncementUrl is { Length: > 0 } url)
        {
            if (url.Length > UrlMax || !LocalUrls.IsLocal(url))
            {
                errors.Add("announcementUrl", "Use a path on this site, such as /t/12/release-notes.");
            }
            else if (request.Status != IdeaStatuses.Shipped) errors.Add("announcementUrl", "Only a shipped idea links to its announcement.");
        }
        return errors;
    }

    public sealed class Handler(CommunityDb db, IdeaWrites ideas, ForumWrites writes, IMemberActivity activity)
    {
        public async Task<Results<Ok<IdeaDetail>, ProblemHttpResult, ValidationProblem>> HandleAsync(ForumViewer viewer, long id,
            IdeaStatusRequest request, CancellationToken ct)
        {
            if (viewer.MemberId is null) return Problems.Unauthorized();
            if (await ideas.FindAsync(id, viewer, ct) is not { } found) return ForumProblems.NotFound("idea");
            if (!IdeaWrites.IsStaff(viewer)) return Problems.Forbidden("Only moderators, marketing and admins set an idea's status.");
            if (Validate(request) is { Any: true } errors) return errors.ToProblem();
            var (actor, refused) = await writes.ActorAsync(viewer, posting: false, ct);
            if (refused is not null) return refused;
            var status = request.Status!;
            var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
            List<ForumNotification> notes;
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                var idea = (await ideas.LockAsync(ct, id))[id];
                if (idea.MergedIntoId is not null) return Problems.Conflict("This idea was merged into another one: change that one.");
                idea.Status = status;
                idea.StatusNote = note;
                idea.StatusChangedAt = ideas.Now;
                idea.AnnouncementUrl = string.IsNullOrEmpty(request.AnnouncementUrl) ? null : request.AnnouncementUrl;
                var voters = await db.Set<IdeaVote>().Where(v => v.ThreadId == id).Select(v => v.MemberId).ToListAsync(ct);
                var watchers = await db.Set<ThreadWatch>().Where(w => w.ThreadId == id).Select(w => w.MemberId).ToListAsync(ct);
                var readers = await writes.ReadersAsync(voters.Concat(watchers).Where(m => m != actor!.Id), found.Category, ct);
                var label = IdeaStatuses.Label(status);
                var text = $"“{found.Thread.Title}” is now {label}" + (note is null ? "." : $": {note}");
                notes = writes.Notify(readers, NotificationKinds.IdeaStatus, id, found.Thread.Slug, 1, text);
                writes.Audit(viewer, "idea-status", $"idea {id}: {label}", note);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            await ideas.AfterChangeAsync(id, found.Category.Id, ct);
            await writes.PublishNotesAsync(notes, ct);
            if (status == IdeaStatuses.Shipped)
            {
                var author = await db.Set<ForumThread>().Where(t => t.Id == id).Select(t => t.AuthorId).FirstAsync(ct);
                activity.Report(author, ActivityKind.IdeaShipped, ideas.Now);
            }
            return TypedResults.Ok((await IdeaQueries.DetailAsync(db, ideas, found, viewer, ct))!);
        }
    }
}
