using System.Globalization;
using System.Text;
using Community.Web.Data;
using Community.Web.Features.Accounts;
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
        var sb = new StringBuilder("id,created_at,code,campaign,advocate,referred,customer_email,source,decision,score,reasons,test,converted_at\n");
        foreach (var x in rows)
        {
            Row(sb, x.r.Id, x.r.CreatedAt, x.Code.Code, x.Code.CampaignTag, UserName(people, x.r.AdvocateId), UserName(people, x.r.ReferredMemberId),
                x.r.CustomerEmail, x.r.Source, x.r.Decision.ToString().ToLowerInvariant(), x.r.FraudScore, x.r.Reasons, x.r.IsTest, x.r.ConvertedAt);
        }
        return File(sb, "referrals.csv");
    }

    private static async Task<IResult> LedgerCsv(CommunityDb db, IMemberDirectory members, CancellationToken ct)
    {
        var rows = await db.Set<LedgerEntry>().AsNoTracking().OrderBy(e => e.Id).ToListAsync(ct);
        var people = await members.FindManyAsync(rows.Select(e => e.MemberId), ct);
        var sb = new StringBuilder("id,created_at,member,kind,amount,available_at,reason,referral_id,reverses_entry_id,note\n");
        foreach (var e in rows)
        {
            Row(sb, e.Id, e.CreatedAt, UserName(people, e.MemberId) ?? "(erased)", e.Kind.ToString().ToLowerInvariant(), e.Amount, e.AvailableAt,
                e.Reason, e.ReferralId, e.ReversesEntryId, e.Note);
        }
        return File(sb, "ledger.csv");
    }

    private static string? UserName(IReadOnlyDictionary<string, MemberCard> people, string? id) =>
        id is not null && people.TryGetValue(id, out var card) ? card.UserName : null;

    private static IResult File(StringBuilder sb, string name) =>
        Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv; charset=utf-8", name);

    /// <summary>RFC 4180 quoting, and a leading apostrophe on anything a spreadsheet would run as a formula.</summary>
    private static void Row(StringBuilder sb, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0) sb.Append(',');
            var text = values[i] switch
            {
                null => "",
                DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString() ?? "",
            };
            if (text.Length > 0 && values[i] is string && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal)) text = "'" + text;
            if (text.AsSpan().IndexOfAny("\",\n\r") >= 0) text = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            sb.Append(text);
        }
        sb.Append('\n');
    }
}
