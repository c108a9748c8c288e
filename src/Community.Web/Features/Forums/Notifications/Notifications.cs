using System.Security.Claims;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

public sealed record NotificationsReadRequest(IReadOnlyList<long>? Ids);

/// <summary>GET /api/notifications lists a member's mentions, replies and accepted answers; POST /api/notifications/read marks
/// some (or, without ids, all) of them read.</summary>
public static class Notifications
{
    public static void Map(IEndpointRouteBuilder members)
    {
        members.MapGet("/notifications", async (HttpContext http, ForumQueries q, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(await q.NotificationsAsync(ForumViewer.From(http.User), ct));
        });
        members.MapPost("/notifications/read", async (NotificationsReadRequest request, ClaimsPrincipal user, CommunityDb db, TimeProvider clock,
            CancellationToken ct) =>
        {
            var memberId = ForumViewer.From(user).MemberId!;
            var now = clock.GetUtcNow().UtcDateTime;
            var unread = db.Set<ForumNotification>().Where(n => n.MemberId == memberId && n.ReadAt == null);
            if (request.Ids is { Count: > 0 } ids) unread = unread.Where(n => ids.Contains(n.Id));
            await unread.ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
            return TypedResults.NoContent();
        });
    }
}
