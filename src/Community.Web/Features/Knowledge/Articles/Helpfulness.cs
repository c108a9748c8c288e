using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge.Articles;

public sealed record FeedbackInput(bool? Helpful, string? Comment);
public sealed record FeedbackDto(bool Helpful, string? Comment);
public sealed record FeedbackComment(bool Helpful, string Comment, DateTime At);
public sealed record ArticleFeedbackDto(int Helpful, int NotHelpful, IReadOnlyList<FeedbackComment> Comments);

/// <summary>
/// "Was this helpful?" on a published article: one answer per member, or per anonymous visitor (a random cookie, stored only as a
/// hash); answering again replaces the earlier answer. The unique (article, voter) index keeps it one even when two servers race.
/// Staff read the counts and the comments.
/// </summary>
internal static class Helpfulness
{
    public const string VisitorCookie = "kb_visitor";

    public static void Map(RouteGroupBuilder api, RouteGroupBuilder staff)
    {
        api.MapPut("/articles/{id:int}/feedback", Answer);
        staff.MapGet("/articles/{id:int}/feedback", Read);
    }

    private static async Task<Results<Ok<FeedbackDto>, ValidationProblem, ProblemHttpResult>> Answer(int id, FeedbackInput input, HttpContext http,
        CommunityDb db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (input.Helpful is null) errors.Add("helpful", "Answer yes or no.");
        errors.Text("comment", input.Comment, 0, KbRules.CommentMax, "Comment");
        if (errors.Any) return errors.ToProblem();
        if (!await db.Set<KbArticle>().AnyAsync(a => a.Id == id && a.Status == KbStatus.Published, ct)) return Problems.NotFound("No such article.");
        var voter = VoterKey(http);
        var comment = string.IsNullOrWhiteSpace(input.Comment) ? null : input.Comment.Trim();
        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var write = await db.BeginWriteAsync(ct);
                var row = await db.Set<KbFeedback>().FirstOrDefaultAsync(f => f.ArticleId == id && f.VoterKey == voter, ct);
                if (row is null) db.Add(row = new KbFeedback { ArticleId = id, VoterKey = voter });
                row.Helpful = input.Helpful!.Value;
                row.Comment = comment;
                row.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                await write.CommitAsync(ct);
                return TypedResults.Ok(new FeedbackDto(row.Helpful, row.Comment));
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt == 0)
            {
                // Another server inserted this voter's answer first: replace it on the second turn.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The member, or the visitor's cookie (set here on the first answer), as the one key an answer is stored under.</summary>
    private static string VoterKey(HttpContext http)
    {
        if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } memberId) return "m:" + memberId;
        var token = http.Request.Cookies[VisitorCookie];
        if (token is null || token.Length is < 20 or > 100)
        {
            token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            http.Response.Cookies.Append(VisitorCookie, token, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromDays(365), Path = "/",
                IsEssential = true,
            });
        }
        return "v:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    private static async Task<Results<Ok<ArticleFeedbackDto>, ProblemHttpResult>> Read(int id, CommunityDb db, CancellationToken ct)
    {
        if (!await db.Set<KbArticle>().AnyAsync(a => a.Id == id, ct)) return Problems.NotFound("No article with that id.");
        var rows = db.Set<KbFeedback>().AsNoTracking().Where(f => f.ArticleId == id);
        var yes = await rows.CountAsync(f => f.Helpful, ct);
        var no = await rows.CountAsync(f => !f.Helpful, ct);
        var comments = await rows.Where(f => f.Comment != null).OrderByDescending(f => f.UpdatedAt).Take(200)
            .Select(f => new FeedbackComment(f.Helpful, f.Comment!, f.UpdatedAt)).ToListAsync(ct);
        return TypedResults.Ok(new ArticleFeedbackDto(yes, no, comments));
    }
}
