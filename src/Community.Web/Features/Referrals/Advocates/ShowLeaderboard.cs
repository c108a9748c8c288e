using System.Security.Claims;

namespace Community.Web.Features.Referrals;

public sealed record LeaderboardRow(int Rank, string DisplayName, int Conversions, int Signups, bool IsYou);

/// <summary>GET /api/referrals/leaderboard: the top ten by display name only.</summary>
internal static class ShowLeaderboard
{
    public static void Map(RouteGroupBuilder me) => me.MapGet("/leaderboard", Handle);

    private static async Task<Ok<List<LeaderboardRow>>> Handle(ClaimsPrincipal user, Leaderboard board, CancellationToken ct) =>
        TypedResults.Ok(await board.TopAsync(Advocates.MemberId(user), 10, ct));
}
