using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Knowledge;

/// <summary>
/// The knowledge base's part of "download my data" and "erase my account": the member's helpfulness answers and comments, and the
/// suggestions they opened. Erasing removes those; articles a member wrote or was credited for stay, detached from the person.
/// </summary>
internal sealed class KnowledgeMemberData(CommunityDb db, KbCatalog catalog) : IMemberDataSection
{
    public string Name => "knowledgeBase";

    public async Task<object?> ExportAsync(string memberId, CancellationToken ct)
    {
        var key = "m:" + memberId;
        return new
        {
            Feedback = await (from f in db.Set<KbFeedback>().AsNoTracking()
                              join a in db.Set<KbArticle>() on f.ArticleId equals a.Id
                              where f.VoterKey == key
                              select new { Article = a.Title, f.Helpful, f.Comment, f.UpdatedAt }).ToListAsync(ct),
            SuggestionsOpened = await db.Set<KbSuggestionOpening>().AsNoTracking().Where(o => o.MemberId == memberId)
                .Select(o => new { o.Url, o.OpenedAt }).ToListAsync(ct),
        };
    }

    public async Task EraseAsync(string memberId, CancellationToken ct)
    {
        var key = "m:" + memberId;
        await db.Set<KbFeedback>().Where(f => f.VoterKey == key).ExecuteDeleteAsync(ct);
        await db.Set<KbSuggestionOpening>().Where(o => o.MemberId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.MemberId, (string?)null), ct);
        await db.Set<KbArticle>().Where(a => a.CreditMemberId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.CreditMemberId, (string?)null), ct);
        await db.Set<KbArticle>().Where(a => a.AuthorId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AuthorId, (string?)null), ct);
        await db.Set<KbArticleRevision>().Where(r => r.AuthorId == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.AuthorId, (string?)null), ct);
    }

    /// <summary>An article page credited the member by name: every server drops its pages.</summary>
    public Task AfterEraseAsync(string memberId, CancellationToken ct)
    {
        catalog.Invalidate();
        return Task.CompletedTask;
    }
}
