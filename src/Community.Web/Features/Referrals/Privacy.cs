using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>The member's referral data for a data export, and its removal on erase. Ledger rows stay (append-only) but keep only
/// an opaque id and amounts.</summary>
public interface IReferralPrivacy
{
    Task<object> ExportAsync(string memberId, CancellationToken ct);
    Task EraseAsync(string memberId, CancellationToken ct);
}

/// <summary>Also the "referrals" section of the member's own data export and account erase (<see cref="IMemberDataSection"/>).</summary>
internal sealed class ReferralPrivacy(CommunityDb db, CodeDirectory directory, TimeProvider clock) : IReferralPrivacy, IMemberDataSection
{
    public string Name => "referrals";

    async Task<object?> IMemberDataSection.ExportAsync(string memberId, CancellationToken ct) => await ExportAsync(memberId, ct);

    public async Task<object> ExportAsync(string memberId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var codes = await db.Set<ReferralCode>().AsNoTracking().Where(c => c.OwnerId == memberId)
            .Select(c => new { c.Code, Kind = c.Kind.ToString(), c.CreatedAt, Clicks = c.ClickCount }).ToListAsync(ct);
        var made = await db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId == memberId).OrderBy(r => r.Id)
            .Select(r => new { r.Id, r.CreatedAt, r.Source, Decision = r.Decision.ToString(), r.Reasons, r.IsTest, r.TestLabel, r.ConvertedAt })
            .ToListAsync(ct);
        var referredBy = await db.Set<Referral>().AsNoTracking().Where(r => r.ReferredMemberId == memberId)
            .Select(r => new { r.CreatedAt, r.Source, Code = db.Set<ReferralCode>().Where(c => c.Id == r.CodeId).Select(c => c.Code).First() })
            .FirstOrDefaultAsync(ct);
        var ledger = (await db.Set<LedgerEntry>().AsNoTracking().Where(e => e.MemberId == memberId).OrderBy(e => e.Id).ToListAsync(ct))
            .Select(e => Ledger.View(e, now)).ToList();
        var settings = await db.Set<AdvocateSettings>().AsNoTracking().Where(s => s.MemberId == memberId)
            .Select(s => new { s.LeaderboardOptOut }).FirstOrDefaultAsync(ct);
        return new { Codes = codes, ReferralsMade = made, ReferredBy = referredBy, Ledger = ledger, Settings = settings };
    }

    public async Task EraseAsync(string memberId, CancellationToken ct)
    {
        // Inside the account erase this joins its transaction; from the admin endpoint it is its own.
        await using var tx = await db.BeginWriteAsync(ct);
        var codes = await db.Set<ReferralCode>().Where(c => c.OwnerId == memberId).ToListAsync(ct);
        var codeIds = codes.Select(c => c.Id).ToList();
        await db.Set<ReferralClick>().Where(c => codeIds.Contains(c.CodeId)).ExecuteDeleteAsync(ct);
        await db.Set<ReferralInvite>().Where(i => codeIds.Contains(i.CodeId)).ExecuteDeleteAsync(ct);
        foreach (var code in codes)
        {
            directory.Invalidate(code.Code);
            // The row stays for referral history; the code itself (possibly a name) goes.
            code.Code = "erased-" + code.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            code.OwnerId = null;
            code.Disabled = true;
        }
        await db.SaveChangesAsync(ct);
        await db.Set<Referral>().Where(r => r.AdvocateId == memberId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.AdvocateId, (string?)null).SetProperty(r => r.DeviceId, (string?)null).SetProperty(r => r.IpHash, (string?)null), ct);
        await db.Set<Referral>().Where(r => r.ReferredMemberId == memberId).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.ReferredMemberId, (string?)null).SetProperty(r => r.CustomerEmail, (string?)null)
            .SetProperty(r => r.ExternalCustomerId, (string?)null).SetProperty(r => r.DeviceId, (string?)null)
            .SetProperty(r => r.IpHash, (string?)null), ct);
        await db.Set<AdvocateSettings>().Where(s => s.MemberId == memberId).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }
}

/// <summary>Removes click details older than the attribution window plus the retention margin, and old idempotency records.</summary>
public sealed class ReferralMaintenance(CommunityDb db, ProgramStore programs, ReferralOptions options, TimeProvider clock)
{
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var program = await programs.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now.AddDays(-(program.AttributionDays + options.ClickRetentionExtraDays));
        var clicks = await db.Set<ReferralClick>().Where(c => c.At < cutoff).ExecuteDeleteAsync(ct);
        await db.Set<IdempotencyRecord>().Where(r => r.CreatedAt < now.AddDays(-30)).ExecuteDeleteAsync(ct);
        return clicks;
    }
}

/// <summary>Runs the purge hourly, on one server at a time (the holder of its lease).</summary>
internal sealed partial class ReferralPurgeJob(IServiceScopeFactory scopes, TimeProvider clock, JobLeases leases, ILogger<ReferralPurgeJob> logger)
    : BackgroundService
{
    public const string Job = "referrals.purge";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                // The lease outlives the hour between passes: the holder keeps the job, another server takes it after a crash.
                if (!await leases.TryHoldAsync(Job, TimeSpan.FromMinutes(90), stoppingToken)) continue;
                await using var scope = scopes.CreateAsyncScope();
                var purged = await scope.ServiceProvider.GetRequiredService<ReferralMaintenance>().PurgeAsync(stoppingToken);
                if (purged > 0) LogPurged(logger, purged);
                await scope.ServiceProvider.GetRequiredService<TierReview>().RunAsync(stoppingToken); // tiers lapse with time too
            }
            catch (OperationCanceledException) { return; }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                LogFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} referral clicks past retention")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Referral purge failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
