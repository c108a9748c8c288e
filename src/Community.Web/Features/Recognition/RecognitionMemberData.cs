using Community.Web.Data;
using Community.Web.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Recognition;

/// <summary>Recognition's part of "download my data" and "erase my account": badges, trust level, title and visit days.</summary>
internal sealed class RecognitionMemberData(CommunityDb db) : IMemberDataSection
{
    public string Name => "recognition";

    public async Task<object?> ExportAsync(string memberId, CancellationToken ct) => new
    {
        Badges = await db.Set<MemberBadge>().AsNoTracking().Where(b => b.MemberId == memberId)
            .Select(b => new { b.Badge, b.GrantedAt, b.Reason }).ToListAsync(ct),
        Standing = await db.Set<MemberStanding>().AsNoTracking().Where(s => s.MemberId == memberId)
            .Select(s => new { s.TrustLevel, s.Title }).FirstOrDefaultAsync(ct),
        DaysVisited = await db.Set<MemberVisitDay>().AsNoTracking().Where(v => v.MemberId == memberId).Select(v => v.Day).ToListAsync(ct),
    };

    public async Task EraseAsync(string memberId, CancellationToken ct)
    {
        await db.Set<MemberBadge>().Where(b => b.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<MemberBadge>().Where(b => b.GrantedById == memberId)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.GrantedById, (string?)null), ct);
        await db.Set<MemberStanding>().Where(s => s.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Set<MemberVisitDay>().Where(v => v.MemberId == memberId).ExecuteDeleteAsync(ct);
    }
}
