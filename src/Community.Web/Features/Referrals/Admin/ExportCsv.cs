using System.Text;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>GET /api/admin/referrals/export/referrals.csv and ledger.csv: everything, for finance and spreadsheets.</summary>
internal static class ExportCsv
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/export/referrals.csv", ReferralsCsv);
        admin.MapGet("/export/ledger.csv", LedgerCsv);
    }

    private static async Task<IResult> ReferralsCsv(CommunityDb db, IMemberDirectory members, CancellationToken ct)
    {
        var rows = await db.Set<Referral>().AsNoTracking().OrderBy(r => r.Id)
            .Select(r => new { r, Code = db.Set<ReferralCode>().Where(c => c.Id == r.CodeId).Select(c => new { c.Code, c.CampaignTag }).First() })
            .ToListAsync(ct);
        var people = await members.FindManyAsync(rows.SelectMany(x => new[] { x.r.AdvocateId, x.r.ReferredMemberId }).OfType<string>(), ct);
        var sb = new StringBuilder();
        Csv.AppendRow(sb, "id", "created_at", "code", "campaign", "advocate", "referred", "customer_email", "source", "decision", "score",
            "reasons", "test", "converted_at");
        foreach (var x in rows)
        {
            Csv.AppendRow(sb, x.r.Id, x.r.CreatedAt, x.Code.Code, x.Code.CampaignTag, UserName(people, x.r.AdvocateId),
                UserName(people, x.r.ReferredMemberId), x.r.CustomerEmail, x.r.Source, x.r.Decision.ToString().ToLowerInvariant(),
                x.r.FraudScore, x.r.Reasons, x.r.IsTest, x.r.ConvertedAt);
        }
        return File(sb, "referrals.csv");
    }

    private static async Task<IResult> LedgerCsv(CommunityDb db, IMemberDirectory members, CancellationToken ct)
    {
        var rows = await db.Set<LedgerEntry>().AsNoTracking().OrderBy(e => e.Id).ToListAsync(ct);
        var people = await members.FindManyAsync(rows.Select(e => e.MemberId), ct);
        var sb = new StringBuilder();
        Csv.AppendRow(sb, "id", "created_at", "member", "kind", "amount", "available_at", "reason", "referral_id", "reverses_entry_id", "note");
        foreach (var e in rows)
        {
            Csv.AppendRow(sb, e.Id, e.CreatedAt, UserName(people, e.MemberId) ?? "(erased)", e.Kind.ToString().ToLowerInvariant(), e.Amount,
                e.AvailableAt, e.Reason, e.ReferralId, e.ReversesEntryId, e.Note);
        }
        return File(sb, "ledger.csv");
    }

    private static string? UserName(IReadOnlyDictionary<string, MemberCard> people, string? id) =>
        id is not null && people.TryGetValue(id, out var card) ? card.UserName : null;

    private static IResult File(StringBuilder sb, string name) =>
        Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv; charset=utf-8", name);
}
