using System.Security.Claims;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record OptOutRequest(bool OptOut);

/// <summary>PUT /api/referrals/me/leaderboard: leave the leaderboard (or come back); every server sees it at once.</summary>
internal static class SetLeaderboardOptOut
{
    public static void Map(RouteGroupBuilder me) => me.MapPut("/me/leaderboard", Handle);

    private static async Task<NoContent> Handle(OptOutRequest request, ClaimsPrincipal user, CommunityDb db, Leaderboard leaderboard,
        CancellationToken ct)
    {
        var id = Advocates.MemberId(user);
        var settings = await db.Set<AdvocateSettings>().FirstOrDefaultAsync(s => s.MemberId == id, ct);
        if (settings is null) db.Add(settings = new AdvocateSettings { MemberId = id });
        settings.LeaderboardOptOut = request.OptOut;
        await db.SaveChangesAsync(ct);
        leaderboard.Changed();
        return TypedResults.NoContent();
    }
}
