using System.Security.Claims;
using System.Text;
using Community.Web.Infrastructure;

namespace Community.Web.Features.Accounts;

/// <summary>GET /api/admin/members/export.csv?q=&amp;plan=&amp;account=: every member the list's filters match (not only the first
/// page), streamed in batches so a large community does not sit in memory.</summary>
internal static partial class AdminMemberExport
{
    public static IResult CsvAsync(string? q, string? plan, string? account, HttpContext http, AdminMemberQuery query,
        ILoggerFactory logs, IConfiguration configuration)
    {
        var batchSize = Math.Max(1, configuration.GetValue("Accounts:ExportBatchSize", 500));
        var filter = new AdminMemberFilter(q, plan, account);
        if (filter.Validate() is { } invalid) return invalid;
        var log = logs.CreateLogger("Community.Admin.MemberExport");
        var admin = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Stream(async body =>
        {
            var ct = http.RequestAborted;
            var sb = new StringBuilder();
            Csv.AppendRow(sb, "id", "username", "display_name", "email", "email_confirmed", "joined_at", "roles", "external_id",
                "account_id", "account_name", "plan", "deactivated_at");
            string? last = null;
            var count = 0;
            while (true)
            {
                var batch = await query.BatchAsync(filter, last, batchSize, ct);
                foreach (var m in batch)
                {
                    Csv.AppendRow(sb, m.Id, m.UserName, m.DisplayName, m.Email, m.EmailConfirmed, m.JoinedAt, string.Join(' ', m.Roles),
                        m.ExternalId, m.AccountId, m.AccountName, m.Plan, m.DeactivatedAt);
                }
                await body.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
                sb.Clear();
                count += batch.Count;
                if (batch.Count < batchSize) break;
                last = batch[^1].Id;
            }
            // Who took a copy of the member list, and how much of it: an export holds personal data.
            Exported(log, admin, count, filter.Plan, filter.Account, filter.Q);
        }, "text/csv; charset=utf-8", "members.csv");
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Admin {AdminId} exported {Count} members (plan {Plan}, account {Account}, query {Query})")]
    private static partial void Exported(ILogger logger, string? adminId, int count, string? plan, string? account, string? query);
}
