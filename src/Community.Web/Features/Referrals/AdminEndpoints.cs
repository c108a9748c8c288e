using System.Globalization;
using System.Security.Claims;
using System.Text;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record ProgramView(long SignupAdvocateCredits, long SignupFriendCredits, long ConversionAdvocateCredits, int ConversionAdvocatePercent,
    long ConversionFriendCredits, string Milestones, long MonthlyCap, long LifetimeCap, int AttributionDays, bool LastTouch, int HoldDays,
    int VelocityPerHour, bool InviteOnly, string? LandingUrl, DateTime UpdatedAt);
public sealed record CampaignRequest(string? Code, string? CampaignTag, int? UsageLimit, DateTime? ExpiresAt, long? RewardOverride);
public sealed record CampaignPatch(bool? Disabled, int? UsageLimit, DateTime? ExpiresAt);
public sealed record CampaignView(long Id, string Code, string? CampaignTag, int? UsageLimit, int UsedCount, DateTime? ExpiresAt, bool Disabled,
    long? RewardOverride, long Clicks, DateTime CreatedAt);
public sealed record CampaignUse(long ReferralId, DateTime At, string? DisplayName, string? UserName, string? Email, string Decision, IReadOnlyList<string> Reasons);
public sealed record FunnelRow(string Campaign, long Clicks, int Signups, int Conversions);
public sealed record TopAdvocate(int Rank, string DisplayName, string? UserName, int Signups, int Conversions, long Credits);
public sealed record ReviewItem(long Id, DateTime CreatedAt, string? Advocate, string? Referred, string? ReferredEmail, string Source, int Score,
    string Decision, IReadOnlyList<string> Reasons, IReadOnlyList<string> Explanations, bool Converted);
public sealed record ReviewRequest(bool Approve, string? Reason);
public sealed record AdjustmentRequest(string? UserName, long? Amount, string? Note);
public sealed record CreateKeyRequest(string? Name);

/// <summary>Marketing and admin tools: program, campaigns, funnel, top advocates, review queue, exports, adjustments, API keys.</summary>
internal static class AdminEndpoints
{
    public static void MapReferralAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/referrals").WithTags("Referrals admin").RequireAuthorization(Policies.Publish);
        admin.MapGet("/program", GetProgram);
        admin.MapPut("/program", PutProgram);
        admin.MapGet("/campaigns", Campaigns);
        admin.MapPost("/campaigns", CreateCampaign);
        admin.MapPatch("/campaigns/{id:long}", PatchCampaign);
        admin.MapGet("/campaigns/{id:long}/uses", CampaignUses);
        admin.MapGet("/funnel", FunnelByCampaign);
        admin.MapGet("/top", Top);
        admin.MapGet("/review", ReviewQueue);
        admin.MapPost("/review/{id:long}", Review);
        admin.MapGet("/export/referrals.csv", ExportReferrals);
        admin.MapGet("/export/ledger.csv", ExportLedger);
        admin.MapPost("/adjustments", Adjust);
        admin.MapGet("/stats", Stats);

        var keys = app.MapGroup("/api/admin/referrals/keys").WithTags("Referrals admin").RequireAuthorization(Policies.Administer);
        keys.MapGet("/", ListKeys);
        keys.MapPost("/", CreateKey);
        keys.MapDelete("/{id}", RevokeKey);
    }

    private static ProgramView View(ReferralProgram p) => new(p.SignupAdvocateCredits, p.SignupFriendCredits, p.ConversionAdvocateCredits,
        p.ConversionAdvocatePercent, p.ConversionFriendCredits, p.Milestones, p.MonthlyCap, p.LifetimeCap, p.AttributionDays, p.LastTouch, p.HoldDays,
        p.VelocityPerHour, p.InviteOnly, p.LandingUrl, p.UpdatedAt);

    private static async Task<Ok<ProgramView>> GetProgram(ProgramStore programs, CancellationToken ct) => TypedResults.Ok(View(await programs.GetAsync(ct)));

    private static async Task<Results<Ok<ProgramView>, ValidationProblem>> PutProgram(ProgramView request, CommunityDb db, ProgramStore programs,
        TimeProvider clock, CancellationToken ct)
    {
        const long maxCredits = 100_000_000;
        var errors = new FieldErrors();
        void Range(string field, long value, long min, long max, string label)
        {
            if (value < min || value > max) errors.Add(field, $"{label} must be between {min} and {max}.");
        }
        Range("signupAdvocateCredits", request.SignupAdvocateCredits, 0, maxCredits, "Credits");
        Range("signupFriendCredits", request.SignupFriendCredits, 0, maxCredits, "Credits");
        Range("conversionAdvocateCredits", request.ConversionAdvocateCredits, 0, maxCredits, "Credits");
        Range("conversionAdvocatePercent", request.ConversionAdvocatePercent, 0, 100, "Percentage");
        Range("conversionFriendCredits", request.ConversionFriendCredits, 0, maxCredits, "Credits");
        Range("monthlyCap", request.MonthlyCap, 0, maxCredits * 100, "Monthly cap (0 = none)");
        Range("lifetimeCap", request.LifetimeCap, 0, maxCredits * 100, "Lifetime cap (0 = none)");
        Range("attributionDays", request.AttributionDays, 1, 365, "Attribution window");
        Range("holdDays", request.HoldDays, 0, 365, "Hold period");
        Range("velocityPerHour", request.VelocityPerHour, 0, 10_000, "Velocity limit (0 = off)");
        var milestones = (request.Milestones ?? "").Trim();
        if (milestones.Length > 200 || (milestones.Length > 0 && ProgramStore.ParseMilestones(milestones).Count == 0))
            errors.Add("milestones", "Write milestones as count:credits pairs, e.g. 5:2500,10:5000.");
        var landing = string.IsNullOrWhiteSpace(request.LandingUrl) ? null : request.LandingUrl.Trim();
        if (landing is not null && (landing.Length > 500 || !LocalUrls.IsSafeLanding(landing)))
            errors.Add("landingUrl", "Use an absolute http(s) URL or a path on this site, or leave empty for the sign-up page.");
        if (errors.Any) return errors.ToProblem();

        await programs.GetAsync(ct); // creates the row on first use
        var row = await db.Set<ReferralProgram>().FirstAsync(p => p.Id == 1, ct);
        row.SignupAdvocateCredits = request.SignupAdvocateCredits;
        row.SignupFriendCredits = request.SignupFriendCredits;
        row.ConversionAdvocateCredits = request.ConversionAdvocateCredits;
        row.ConversionAdvocatePercent = request.ConversionAdvocatePercent;
        row.ConversionFriendCredits = request.ConversionFriendCredits;
        row.Milestones = milestones;
        row.MonthlyCap = request.MonthlyCap;
        row.LifetimeCap = request.LifetimeCap;
        row.AttributionDays = request.AttributionDays;
        row.LastTouch = request.LastTouch;
        row.HoldDays = request.HoldDays;
        row.VelocityPerHour = request.VelocityPerHour;
        row.InviteOnly = request.InviteOnly;
        row.LandingUrl = landing;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        programs.Invalidate();
        return TypedResults.Ok(View(row));
    }

    private static CampaignView View(ReferralCode c) => new(c.Id, c.Code.ToUpperInvariant(), c.CampaignTag, c.UsageLimit, c.UsedCount, c.ExpiresAt, c.Disabled,
        c.RewardOverride, c.ClickCount, c.CreatedAt);

    private static async Task<Ok<List<CampaignView>>> Campaigns(CommunityDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Set<ReferralCode>().AsNoTracking().Where(c => c.Kind == CodeKind.Campaign).OrderByDescending(c => c.Id).ToListAsync(ct))
            .Select(View).ToList());

    private static async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> CreateCampaign(CampaignRequest request, CommunityDb db,
        CodeDirectory directory, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var code = Codes.Normalise(request.Code);
        if (!Codes.IsCampaignShape(code)) errors.Add("code", "Use 3–32 letters, digits and single hyphens, e.g. LAUNCH2026.");
        errors.Text("campaignTag", request.CampaignTag, 1, 64, "Campaign tag");
        if (request.UsageLimit is < 1 or > 1_000_000) errors.Add("usageLimit", "Usage limit must be between 1 and 1,000,000 (or empty for none).");
        if (request.ExpiresAt is { } e && e <= clock.GetUtcNow().UtcDateTime) errors.Add("expiresAt", "The expiry must be in the future.");
        if (request.RewardOverride is < 0 or > 100_000_000) errors.Add("rewardOverride", "Reward must be between 0 and 100,000,000 credits.");
        if (errors.Any) return errors.ToProblem();
        var campaign = new ReferralCode
        {
            Code = code, Kind = CodeKind.Campaign, CampaignTag = request.CampaignTag!.Trim(), UsageLimit = request.UsageLimit,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(), RewardOverride = request.RewardOverride, CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(campaign);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Problems.Conflict("That code is already in use.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["code"] = ["That code is already in use."] } });
        }
        directory.Invalidate(code);
        return TypedResults.Created($"/api/admin/referrals/campaigns/{campaign.Id}", View(campaign));
    }

    private static async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> PatchCampaign(long id, CampaignPatch request, CommunityDb db,
        CodeDirectory directory, CancellationToken ct)
    {
        var campaign = await db.Set<ReferralCode>().FirstOrDefaultAsync(c => c.Id == id && c.Kind == CodeKind.Campaign, ct);
        if (campaign is null) return Problems.NotFound("No such campaign code.");
        if (request.UsageLimit is < 1 or > 1_000_000) return new FieldErrors().Add("usageLimit", "Usage limit must be between 1 and 1,000,000.").ToProblem();
        if (request.Disabled is { } disabled) campaign.Disabled = disabled;
        if (request.UsageLimit is { } limit) campaign.UsageLimit = limit;
        if (request.ExpiresAt is { } expires) campaign.ExpiresAt = expires.ToUniversalTime();
        await db.SaveChangesAsync(ct);
        directory.Invalidate(campaign.Code);
        return TypedResults.Ok(View(campaign));
    }

    private static async Task<Ok<List<CampaignUse>>> CampaignUses(long id, CommunityDb db, CancellationToken ct)
    {
        var rows = await db.Set<Referral>().AsNoTracking().Where(r => r.CodeId == id).OrderByDescending(r => r.Id).Take(500)
            .Select(r => new { r, Member = db.Users.Where(u => u.Id == r.ReferredMemberId).Select(u => new { u.DisplayName, u.UserName, u.Email }).FirstOrDefault() })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x => new CampaignUse(x.r.Id, x.r.CreatedAt, x.Member?.DisplayName, x.Member?.UserName, x.Member?.Email ?? x.r.CustomerEmail,
            x.r.Decision.ToString().ToLowerInvariant(), ReasonList(x.r))).ToList());
    }

    private static List<string> ReasonList(Referral r) => r.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static async Task<Ok<List<FunnelRow>>> FunnelByCampaign(DateTime? from, DateTime? to, CommunityDb db, TimeProvider clock, CancellationToken ct)
    {
        var end = (to ?? clock.GetUtcNow().UtcDateTime).ToUniversalTime();
        var start = (from ?? end.AddDays(-30)).ToUniversalTime();
        var tags = await db.Set<ReferralCode>().AsNoTracking().Select(c => new { c.Id, Tag = c.Kind == CodeKind.Campaign ? c.CampaignTag : "advocates" })
            .ToDictionaryAsync(c => c.Id, c => c.Tag ?? "untagged", ct);
        var clicks = await db.Set<ReferralClick>().Where(c => c.At >= start && c.At < end).GroupBy(c => c.CodeId)
            .Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var referrals = await db.Set<Referral>().Where(r => !r.IsTest && r.CreatedAt >= start && r.CreatedAt < end).GroupBy(r => r.CodeId)
            .Select(g => new { g.Key, Signups = g.Count(r => r.ConfirmedAt != null), Conversions = g.Count(r => r.ConvertedAt != null) })
            .ToListAsync(ct);
        var rows = tags.Values.Distinct(StringComparer.Ordinal).Select(tag => new FunnelRow(tag,
                clicks.Where(c => tags[c.Key] == tag).Sum(c => c.Count),
                referrals.Where(r => tags[r.Key] == tag).Sum(r => r.Signups),
                referrals.Where(r => tags[r.Key] == tag).Sum(r => r.Conversions)))
            .OrderByDescending(r => r.Signups).ThenBy(r => r.Campaign, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(rows);
    }

    private static async Task<Ok<List<TopAdvocate>>> Top(CommunityDb db, CancellationToken ct)
    {
        var board = await db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId != null && !r.IsTest && r.Decision == ReferralDecision.Allow)
            .GroupBy(r => r.AdvocateId!)
            .Select(g => new { Id = g.Key, Signups = g.Count(r => r.ConfirmedAt != null), Conversions = g.Count(r => r.ConvertedAt != null) })
            .OrderByDescending(g => g.Conversions).ThenByDescending(g => g.Signups).Take(25).ToListAsync(ct);
        var ids = board.Select(b => b.Id).ToList();
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.UserName }).ToDictionaryAsync(u => u.Id, ct);
        var credits = await db.Set<LedgerEntry>().Where(e => ids.Contains(e.MemberId) && (e.Kind == LedgerKind.Grant || e.Kind == LedgerKind.Reversal))
            .GroupBy(e => e.MemberId).Select(g => new { g.Key, Sum = g.Sum(e => e.Amount) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
        return TypedResults.Ok(board.Select((b, i) => new TopAdvocate(i + 1, people.GetValueOrDefault(b.Id)?.DisplayName ?? "Former member",
            people.GetValueOrDefault(b.Id)?.UserName, b.Signups, b.Conversions, credits.GetValueOrDefault(b.Id))).ToList());
    }

    private static async Task<Ok<List<ReviewItem>>> ReviewQueue(string? state, CommunityDb db, CancellationToken ct)
    {
        var query = db.Set<Referral>().AsNoTracking();
        query = state switch
        {
            "flagged" => query.Where(r => r.Reasons != "" && !r.IsTest),
            "blocked" => query.Where(r => r.Decision == ReferralDecision.Block || r.Decision == ReferralDecision.Rejected),
            _ => query.Where(r => r.Decision == ReferralDecision.Review),
        };
        var rows = await query.OrderBy(r => r.Id).Take(200)
            .Select(r => new
            {
                r,
                Advocate = db.Users.Where(u => u.Id == r.AdvocateId).Select(u => u.DisplayName).FirstOrDefault(),
                Referred = db.Users.Where(u => u.Id == r.ReferredMemberId).Select(u => new { u.DisplayName, u.Email }).FirstOrDefault(),
            }).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(x =>
        {
            var reasons = ReasonList(x.r);
            return new ReviewItem(x.r.Id, x.r.CreatedAt, x.Advocate, x.Referred?.DisplayName, x.Referred?.Email ?? x.r.CustomerEmail, x.r.Source, x.r.FraudScore,
                x.r.Decision.ToString().ToLowerInvariant(), reasons, reasons.Select(Reasons.ForAdmin).ToList(), x.r.ConvertedAt is not null);
        }).ToList());
    }

    private static async Task<Results<Ok<ReviewItem>, ValidationProblem, ProblemHttpResult>> Review(long id, ReviewRequest request, ClaimsPrincipal user,
        CommunityDb db, ReferralRewards rewards, Ledger ledger, Leaderboard leaderboard, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("reason", request.Reason, 3, 500, "Reason");
        if (errors.Any) return errors.ToProblem();
        await using var tx = await db.BeginWriteAsync(ct);
        var referral = await db.Set<Referral>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (referral is null) return Problems.NotFound("No such referral.");
        if (referral.Decision is not (ReferralDecision.Review or ReferralDecision.Block))
            return Problems.Conflict("This referral has already been decided.");
        referral.Decision = request.Approve ? ReferralDecision.Allow : ReferralDecision.Rejected;
        referral.ReviewNote = request.Reason!.Trim();
        referral.ReviewedById = AdvocateEndpoints.MemberId(user);
        referral.ReviewedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        if (request.Approve)
        {
            var code = await db.Set<ReferralCode>().AsNoTracking().FirstAsync(c => c.Id == referral.CodeId, ct);
            await rewards.ReplayAsync(referral, code, ct);
        }
        await tx.CommitAsync(ct);
        leaderboard.Changed();
        await ledger.AnnounceAsync(rewards.Created, ct);
        var reasons = ReasonList(referral);
        return TypedResults.Ok(new ReviewItem(referral.Id, referral.CreatedAt, null, null, null, referral.Source, referral.FraudScore,
            referral.Decision.ToString().ToLowerInvariant(), reasons, reasons.Select(Reasons.ForAdmin).ToList(), referral.ConvertedAt is not null));
    }

    private static async Task<IResult> ExportReferrals(CommunityDb db, CancellationToken ct)
    {
        var sb = new StringBuilder("id,created_at,code,campaign,advocate,referred,customer_email,source,decision,score,reasons,test,converted_at\n");
        var rows = await db.Set<Referral>().AsNoTracking().OrderBy(r => r.Id)
            .Select(r => new
            {
                r,
                Code = db.Set<ReferralCode>().Where(c => c.Id == r.CodeId).Select(c => new { c.Code, c.CampaignTag }).First(),
                Advocate = db.Users.Where(u => u.Id == r.AdvocateId).Select(u => u.UserName).FirstOrDefault(),
                Referred = db.Users.Where(u => u.Id == r.ReferredMemberId).Select(u => u.UserName).FirstOrDefault(),
            }).ToListAsync(ct);
        foreach (var x in rows)
        {
            Csv(sb, x.r.Id, x.r.CreatedAt, x.Code.Code, x.Code.CampaignTag, x.Advocate, x.Referred, x.r.CustomerEmail, x.r.Source,
                x.r.Decision.ToString().ToLowerInvariant(), x.r.FraudScore, x.r.Reasons, x.r.IsTest, x.r.ConvertedAt);
        }
        return Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv; charset=utf-8", "referrals.csv");
    }

    private static async Task<IResult> ExportLedger(CommunityDb db, CancellationToken ct)
    {
        var sb = new StringBuilder("id,created_at,member,kind,amount,available_at,reason,referral_id,reverses_entry_id,note\n");
        var rows = await db.Set<LedgerEntry>().AsNoTracking().OrderBy(e => e.Id)
            .Select(e => new { e, Member = db.Users.Where(u => u.Id == e.MemberId).Select(u => u.UserName).FirstOrDefault() }).ToListAsync(ct);
        foreach (var x in rows)
        {
            Csv(sb, x.e.Id, x.e.CreatedAt, x.Member ?? "(erased)", x.e.Kind.ToString().ToLowerInvariant(), x.e.Amount, x.e.AvailableAt, x.e.Reason, x.e.ReferralId,
                x.e.ReversesEntryId, x.e.Note);
        }
        return Results.File(Encoding.UTF8.GetBytes(sb.ToString()), "text/csv; charset=utf-8", "ledger.csv");
    }

    /// <summary>RFC 4180 quoting, and a leading apostrophe on anything a spreadsheet would run as a formula.</summary>
    private static void Csv(StringBuilder sb, params object?[] values)
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

    private static async Task<Results<Created<LedgerEntryView>, ValidationProblem>> Adjust(AdjustmentRequest request, ClaimsPrincipal user, CommunityDb db,
        Ledger ledger, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var handle = request.UserName?.Trim().TrimStart('@').ToLowerInvariant();
        var memberId = string.IsNullOrEmpty(handle) ? null : await db.Users.Where(u => u.NormalizedUserName == handle.ToUpperInvariant()).Select(u => u.Id).FirstOrDefaultAsync(ct);
        if (memberId is null) errors.Add("userName", "No member with this username.");
        if (request.Amount is null or 0) errors.Add("amount", "Enter a non-zero amount (negative to deduct).");
        else if (Math.Abs(request.Amount.Value) > 100_000_000) errors.Add("amount", "The amount is implausibly large.");
        errors.Text("note", request.Note, 3, 500, "Note");
        if (errors.Any) return errors.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        var entry = new LedgerEntry
        {
            MemberId = memberId!, Kind = LedgerKind.Adjustment, Amount = request.Amount!.Value, CreatedAt = now, AvailableAt = now, Reason = "adjustment",
            Note = request.Note!.Trim(), ActorId = AdvocateEndpoints.MemberId(user),
        };
        db.Add(entry);
        await db.SaveChangesAsync(ct);
        await ledger.AnnounceAsync([entry], ct);
        return TypedResults.Created($"/api/admin/referrals/export/ledger.csv", Ledger.View(entry, now));
    }

    private static async Task<Ok<object>> Stats(ClickBuffer clicks, CommunityDb db, CancellationToken ct)
    {
        // Not between a batch's commit and its count: stored and in-database must agree when nothing is moving.
        ClickStats stats;
        long stored;
        await clicks.Storing.WaitAsync(ct);
        try
        {
            stats = clicks.Stats();
            stored = await db.Set<ReferralClick>().LongCountAsync(ct);
        }
        finally { clicks.Storing.Release(); }
        return TypedResults.Ok<object>(new
        {
            stats.Redirects, stats.ClicksEnqueued, stats.ClicksStored, stats.ClicksFailed, stats.ClicksBuffered, ClicksInDatabase = stored,
        });
    }

    private static async Task<Ok<List<ApiKeyView>>> ListKeys(CommunityDb db, CancellationToken ct) =>
        TypedResults.Ok(await db.Set<ReferralApiKey>().AsNoTracking().OrderByDescending(k => k.CreatedAt)
            .Select(k => new ApiKeyView(k.Id, k.Name, k.CreatedAt, k.RevokedAt)).ToListAsync(ct));

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateKey(CreateKeyRequest request, CommunityDb db, ApiKeys keys, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("name", request.Name, 2, 80, "Name");
        if (errors.Any) return errors.ToProblem();
        var created = await keys.CreateAsync(db, request.Name!.Trim(), ct);
        return TypedResults.Created($"/api/admin/referrals/keys/{created.Id}", created);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string id, CommunityDb db, ApiKeys keys, TimeProvider clock, CancellationToken ct)
    {
        var key = await db.Set<ReferralApiKey>().FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null) return Problems.NotFound("No such API key.");
        key.RevokedAt ??= clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        keys.Forget(id);
        return TypedResults.NoContent();
    }
}
