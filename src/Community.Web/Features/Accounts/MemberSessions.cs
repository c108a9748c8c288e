using System.Security.Claims;
using System.Text.Json;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Community.Web.Features.Accounts;

public sealed record SessionChanged(string MemberId);

/// <summary>
/// Ends or downgrades a member's sessions at once, on every server: bump the session version (all sessions end), revoke
/// one session (sign-out), or announce new roles. Announce after the transaction commits.
/// </summary>
public sealed class MemberSessions(CommunityDb db, UserManager<Member> users, SessionDirectory directory, ILiveBus bus, TimeProvider clock,
    IOptionsMonitor<CookieAuthenticationOptions> cookies)
{
    public const string Signal = "session";

    /// <summary>Every existing session of the member ends (the caller may sign the current one in again).
    /// Saves; call <see cref="AnnounceAsync"/> after the commit.</summary>
    public async Task EndAllAsync(Member member)
    {
        member.SessionVersion++;
        await users.UpdateSecurityStampAsync(member);
    }

    /// <summary>Signs out the session of <paramref name="user"/> only: its cookie, and any copy of it, stops working.</summary>
    public async Task RevokeAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } memberId || user.FindFirstValue(SessionClaims.Id) is not { } sessionId) return;
        var now = clock.GetUtcNow().UtcDateTime;
        // A cookie is never renewed after its revocation, so the record is needed only as long as the cookie could live.
        var until = now + cookies.Get(IdentityConstants.ApplicationScheme).ExpireTimeSpan;
        await db.Set<RevokedSession>().Where(r => r.MemberId == memberId && r.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        if (!await db.Set<RevokedSession>().AnyAsync(r => r.SessionId == sessionId, ct))
        {
            db.Add(new RevokedSession { SessionId = sessionId, MemberId = memberId, ExpiresAt = until });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                db.ChangeTracker.Clear(); // the same session signed out twice at once: one record is enough
            }
        }
        await AnnounceAsync(memberId, ct);
    }

    /// <summary>Tells every server that the member's sessions changed (version, roles or revocations).</summary>
    public async Task AnnounceAsync(string memberId, CancellationToken ct = default)
    {
        directory.Forget(memberId); // this server at once, whatever the bus does
        await bus.PublishAsync(LiveGroups.Servers, Signal, new SessionChanged(memberId), ct);
    }
}

/// <summary>On every server: drop the cached session state, close connections of ended sessions, re-check the groups of downgraded ones.</summary>
internal sealed class SessionSignalHandler(SessionDirectory directory, LiveConnections connections, IServiceProvider services) : IServerSignalHandler
{
    public string Method => MemberSessions.Signal;

    public async Task HandleAsync(JsonElement payload)
    {
        if (payload.GetProperty("memberId").GetString() is not { } memberId) return;
        directory.Forget(memberId);
        var open = connections.OfMember(memberId);
        if (open.Count == 0) return;
        var session = await directory.GetAsync(memberId);
        var changed = new List<LiveConnection>();
        foreach (var connection in open)
        {
            if (!session.Allows(connection.SessionId, connection.SessionVersion)) connection.Context.Abort();
            // A connection's claims cannot change: one from an old plan or account reconnects, and its cookie is re-issued.
            else if (ProductClaims.SegmentOf(connection.Context.User) != session.Segment) connection.Context.Abort();
            else if (!connection.Roles.SetEquals(session.Roles))
            {
                connection.Roles = session.Roles;
                changed.Add(connection);
            }
        }
        if (changed.Count == 0) return;
        foreach (var check in services.GetServices<ILiveAccessCheck>()) await check.RecheckAsync(changed);
    }
}

/// <summary>A connection opened just before its session ended would miss the announcement: check it once it is registered.</summary>
internal sealed class SessionConnectionGate(SessionDirectory directory) : ILiveConnectionGate
{
    public async Task<bool> AdmitAsync(LiveConnection connection)
    {
        if (connection.MemberId is not { } memberId) return true;
        var session = await directory.GetAsync(memberId);
        if (!session.Allows(connection.SessionId, connection.SessionVersion)) return false;
        connection.Roles = session.Roles;
        return true;
    }
}
