using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Community.Web.Features.Referrals;

public sealed record Funnel(long Clicks, int Signups, int Conversions);
public sealed record AdvocateCode(string Code, string Kind, string Link);
public sealed record AdvocateReferral(long Id, DateTime CreatedAt, string Who, string Status, bool IsTest, string? TestLabel, IReadOnlyList<string> Reasons, IReadOnlyList<string> Explanations);
public sealed record AdvocateDashboard(string Link, string Code, IReadOnlyList<AdvocateCode> Codes, Funnel Funnel, Balances Balances,
    IReadOnlyList<LedgerEntryView> Entries, IReadOnlyList<AdvocateReferral> Referrals, int? Rank, bool LeaderboardOptOut, bool CanClaim, int ClaimDaysLeft, bool DeviceKnown);
public sealed record LeaderboardRow(int Rank, string DisplayName, int Conversions, int Signups, bool IsYou);
public sealed record VanityRequest(string? Code);
public sealed record ShareRequest(IReadOnlyList<string>? Emails, string? Message);
public sealed record ShareResult(int Sent);
public sealed record TestReferralRequest(string? Label);
public sealed record TestReferralResult(long ReferralId, string ExternalCustomerId, string Label);
public sealed record RedeemRequest(long? Amount);
public sealed record OptOutRequest(bool OptOut);
public sealed record ClaimRequest(string? Code);
public sealed record ClaimResult(long ReferralId, string Status, IReadOnlyList<string> Explanations);

/// <summary>What every member can do with their own referral program: dashboard, vanity code, QR, share, test, redeem, claim.</summary>
internal static class AdvocateEndpoints
{
    public const string ShareRateLimit = "referral-share";

    public static void MapAdvocateEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/referrals").WithTags("Referrals").RequireAuthorization();
        me.MapGet("/me", Dashboard);
        me.MapPost("/me/device", RememberDevice);
        me.MapPut("/me/vanity", SetVanity);
        me.MapGet("/me/qr.svg", QrSvg);
        me.MapGet("/me/qr.png", QrPng);
        me.MapPost("/me/share", Share).RequireRateLimiting(ShareRateLimit);
        me.MapPost("/me/test", CreateTest);
        me.MapPost("/me/redeem", Redeem);
        me.MapPut("/me/leaderboard", SetOptOut);
        me.MapPost("/claim", Claim);
        me.MapGet("/leaderboard", Leaderboard);
    }

    internal static string MemberId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;

    /// <summary>The member's personal code, created on first use (retrying on the rare collision).</summary>
    internal static async Task<ReferralCode> PersonalCodeAsync(CommunityDb db, string memberId, TimeProvider clock, CancellationToken ct)
    {
        var codes = await db.Set<ReferralCode>().Where(c => c.OwnerId == memberId).OrderBy(c => c.Kind).ToListAsync(ct);
        if (codes.Count > 0) return codes.FirstOrDefault(c => c.Kind == CodeKind.Vanity && !c.Disabled) ?? codes[0];
        for (var attempt = 0; ; attempt++)
        {
            var code = new ReferralCode { Code = Codes.Generate(), OwnerId = memberId, Kind = CodeKind.Personal, CreatedAt = clock.GetUtcNow().UtcDateTime };
            db.Add(code);
            try { await db.SaveChangesAsync(ct); return code; }
            catch (DbUpdateException ex) when (attempt < 5 && DbErrors.IsUniqueViolation(ex))
            {
                db.Entry(code).State = EntityState.Detached;
                var existing = await db.Set<ReferralCode>().FirstOrDefaultAsync(c => c.OwnerId == memberId, ct);
                if (existing is not null) return existing;
            }
        }
    }

    /// <summary>Read-only (apart from creating the member's code on their very first visit): the page asks for
    /// <see cref="RememberDevice"/> separately, only when <c>deviceKnown</c> is false.</summary>
    private static async Task<Results<Ok<AdvocateDashboard>, ProblemHttpResult>> Dashboard(ClaimsPrincipal user, HttpContext http, CommunityDb db,
        Ledger ledger, Leaderboard leaderboard, IpHasher ips, PublicUrls urls, ReferralOptions options, TimeProvider clock, CancellationToken ct)
    {
        var id = MemberId(user);
        var primary = await PersonalCodeAsync(db, id, clock, ct);
        var baseUrl = urls.Base;
        var codes = await db.Set<ReferralCode>().AsNoTracking().Where(c => c.OwnerId == id).OrderBy(c => c.Kind).ToListAsync(ct);
        var clicks = codes.Sum(c => c.ClickCount);
        var mine = db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId == id && !r.IsTest);
        var signups = await mine.CountAsync(r => r.ConfirmedAt != null, ct);
        var conversions = await mine.CountAsync(r => r.ConvertedAt != null, ct);
        var recent = await db.Set<Referral>().AsNoTracking().Where(r => r.AdvocateId == id).OrderByDescending(r => r.Id).Take(50)
            .Select(r => new { Referral = r, Name = db.Users.Where(u => u.Id == r.ReferredMemberId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToListAsync(ct);
        var settings = await db.Set<AdvocateSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.MemberId == id, ct);
        var device = ReferralCookies.DeviceId(http);
        var deviceKnown = device is not null && settings is not null && settings.DeviceIds.Split(',').Contains(device, StringComparer.Ordinal)
            && settings.LastIpHash == await ips.HashAsync(http.Connection.RemoteIpAddress, ct);
        var joinedAt = await db.Users.Where(u => u.Id == id).Select(u => u.JoinedAt).FirstAsync(ct);
        var claimLeft = options.ClaimDays - (int)Math.Floor((clock.GetUtcNow().UtcDateTime - joinedAt).TotalDays);
        var canClaim = claimLeft > 0 && !await db.Set<Referral>().AnyAsync(r => r.ReferredMemberId == id, ct);
        return TypedResults.Ok(new AdvocateDashboard(
            $"{baseUrl}/r/{primary.Code}", primary.Code,
            codes.Where(c => !c.Disabled).Select(c => new AdvocateCode(c.Code, c.Kind.ToString().ToLowerInvariant(), $"{baseUrl}/r/{c.Code}")).ToList(),
            new Funnel(clicks, signups, conversions),
            await ledger.BalancesAsync(id, ct),
            await ledger.EntriesAsync(id, 100, ct),
            recent.Select(x => ToAdvocateView(x.Referral, x.Name)).ToList(),
            await leaderboard.RankAsync(id, ct),
            settings?.LeaderboardOptOut ?? false,
            canClaim, Math.Max(0, claimLeft), deviceKnown));
    }

    /// <summary>Remembers this browser's device cookie and today's address hash for the same-device and shared-IP signals.</summary>
    private static async Task<NoContent> RememberDevice(ClaimsPrincipal user, HttpContext http, FraudSignals fraud, IpHasher ips, CancellationToken ct)
    {
        await fraud.RememberAdvocateAsync(MemberId(user), ReferralCookies.EnsureDevice(http), await ips.HashAsync(http.Connection.RemoteIpAddress, ct), ct);
        return TypedResults.NoContent();
    }

    internal static AdvocateReferral ToAdvocateView(Referral r, string? name)
    {
        var awaiting = !r.IsTest && r.ConfirmedAt is null && r.Decision is ReferralDecision.Allow or ReferralDecision.Review;
        var status = r.IsTest ? "test" : awaiting ? "awaiting confirmation" : r.Decision switch
        {
            ReferralDecision.Review => "in review",
            ReferralDecision.Block or ReferralDecision.Rejected => "not eligible",
            _ => r.ConvertedAt is not null ? "converted" : "signed up",
        };
        var reasons = r.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (r.IsTest && !reasons.Contains(ReasonCodes.TestReferral)) reasons.Add(ReasonCodes.TestReferral);
        if (r.Decision == ReferralDecision.Rejected && !reasons.Contains(ReasonCodes.Rejected)) reasons.Add(ReasonCodes.Rejected);
        // Signals that did not stop the referral are not worth worrying the advocate about.
        var shown = r.Decision == ReferralDecision.Allow ? reasons.Where(x => x is ReasonCodes.TestReferral).ToList() : reasons;
        if (awaiting) shown = [ReasonCodes.AwaitingConfirmation];
        return new AdvocateReferral(r.Id, r.CreatedAt, r.IsTest ? (r.TestLabel ?? "Test") : name ?? "A new customer", status, r.IsTest, r.TestLabel,
            shown, shown.Select(Reasons.ForAdvocate).ToList());
    }

    private static async Task<Ok<List<LeaderboardRow>>> Leaderboard(ClaimsPrincipal user, Leaderboard board, CancellationToken ct) =>
        TypedResults.Ok(await board.TopAsync(MemberId(user), 10, ct));

    private static async Task<Results<Ok<AdvocateCode>, ValidationProblem, ProblemHttpResult>> SetVanity(VanityRequest request, ClaimsPrincipal user,
        HttpContext http, CommunityDb db, CodeDirectory directory, PublicUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var code = Codes.Normalise(request.Code);
        if (Codes.VanityProblem(code) is { } problem) return new FieldErrors().Add("code", problem).ToProblem();
        var id = MemberId(user);
        await PersonalCodeAsync(db, id, clock, ct);
        var taken = await db.Set<ReferralCode>().AnyAsync(c => c.Code == code && c.OwnerId != id, ct);
        if (taken) return Conflict();
        var vanity = await db.Set<ReferralCode>().FirstOrDefaultAsync(c => c.OwnerId == id && c.Kind == CodeKind.Vanity, ct);
        if (vanity is null) db.Add(vanity = new ReferralCode { Code = code, OwnerId = id, Kind = CodeKind.Vanity, CreatedAt = clock.GetUtcNow().UtcDateTime });
        else if (vanity.Code != code)
        {
            directory.Invalidate(vanity.Code);
            vanity.Code = code;
        }
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex)) { return Conflict(); }
        directory.Invalidate(code);
        return TypedResults.Ok(new AdvocateCode(code, "vanity", $"{urls.Base}/r/{code}"));

        static ProblemHttpResult Conflict() => Problems.Conflict("That code is already taken. Try another one.",
            new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["code"] = ["That code is already taken."] } });
    }

    private static async Task<IResult> QrSvg(ClaimsPrincipal user, HttpContext http, CommunityDb db, PublicUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var link = $"{urls.Base}/r/{(await PersonalCodeAsync(db, MemberId(user), clock, ct)).Code}";
        using var data = QRCodeGenerator.GenerateQrCode(link, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(8, "#000000", "#ffffff", drawQuietZones: true);
        http.Response.Headers.CacheControl = "private, max-age=300";
        return Results.Text(svg, "image/svg+xml");
    }

    private static async Task<IResult> QrPng(ClaimsPrincipal user, HttpContext http, CommunityDb db, PublicUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var link = $"{urls.Base}/r/{(await PersonalCodeAsync(db, MemberId(user), clock, ct)).Code}";
        using var data = QRCodeGenerator.GenerateQrCode(link, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(10);
        http.Response.Headers.CacheControl = "private, max-age=300";
        return Results.File(png, "image/png", "referral-qr.png");
    }

    private static async Task<Results<Accepted<ShareResult>, ValidationProblem>> Share(ShareRequest request, ClaimsPrincipal user, HttpContext http,
        CommunityDb db, EmailOutbox outbox, SiteOptions site, PublicUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var emails = (request.Emails ?? []).Select(e => e?.Trim() ?? "").Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (emails.Count == 0) errors.Add("emails", "Enter at least one email address.");
        else if (emails.Count > 5) errors.Add("emails", "Send to at most 5 people at a time.");
        else if (emails.FirstOrDefault(e => e.Length > MemberRules.EmailMax || !MemberRules.EmailShape().IsMatch(e)) is { } bad)
            errors.Add("emails", $"\"{bad}\" doesn't look like an email address.");
        errors.Text("message", request.Message, 0, 500, "Message");
        if (errors.Any) return errors.ToProblem();

        var id = MemberId(user);
        var code = await PersonalCodeAsync(db, id, clock, ct);
        var name = await db.Users.Where(u => u.Id == id).Select(u => u.DisplayName).FirstAsync(ct);
        var baseUrl = urls.Base;
        foreach (var email in emails)
        {
            var token = "inv_" + Codes.Generate(16);
            db.Add(new ReferralInvite { Token = token, CodeId = code.Id, CreatedAt = clock.GetUtcNow().UtcDateTime });
            var note = string.IsNullOrWhiteSpace(request.Message) ? "" : $"\n\nThey wrote:\n{request.Message.Trim()}\n";
            outbox.Enqueue(email, $"{name} invited you to {site.Name}",
                $"Hi,\n\n{name} thinks you'd like {site.Name}, our customer community.{note}\nJoin here: {baseUrl}/signup?invite={token}\n\n" +
                $"You'll both receive credits once you join.\n\nIf you don't know {name}, you can ignore this email.");
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted((string?)null, new ShareResult(emails.Count));
    }

    private static async Task<Results<Created<TestReferralResult>, ValidationProblem>> CreateTest(TestReferralRequest request, ClaimsPrincipal user,
        CommunityDb db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("label", request.Label, 1, 80, "Label");
        if (errors.Any) return errors.ToProblem();
        var id = MemberId(user);
        var code = await PersonalCodeAsync(db, id, clock, ct);
        var referral = new Referral
        {
            CodeId = code.Id, AdvocateId = id, Source = "test", IsTest = true, TestLabel = request.Label!.Trim(), Decision = ReferralDecision.Allow,
            Reasons = ReasonCodes.TestReferral, ExternalCustomerId = "test-" + Codes.Generate(12), CreatedAt = clock.GetUtcNow().UtcDateTime,
            ConfirmedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Add(referral);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/referrals/me", new TestReferralResult(referral.Id, referral.ExternalCustomerId!, referral.TestLabel!));
    }

    private static async Task<Results<Ok<LedgerEntryView>, ValidationProblem>> Redeem(RedeemRequest request, ClaimsPrincipal user, CommunityDb db,
        Ledger ledger, EmailOutbox outbox, ReferralOptions options, TimeProvider clock, CancellationToken ct)
    {
        var id = MemberId(user);
        await using var tx = await db.BeginWriteAsync(ct);
        var available = (await ledger.BalancesAsync(id, ct)).Available;
        var amount = request.Amount ?? available;
        if (available <= 0) return new FieldErrors().Add("amount", "You have no available credits to redeem yet.").ToProblem();
        if (amount <= 0 || amount > available) return new FieldErrors().Add("amount", $"Redeem between 1 and {available} credits.").ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        var entry = new LedgerEntry { MemberId = id, Kind = LedgerKind.Redemption, Amount = -amount, CreatedAt = now, AvailableAt = now, Reason = "redemption" };
        db.Add(entry);
        var member = await db.Users.Where(u => u.Id == id).Select(u => new { u.Email, u.UserName }).FirstAsync(ct);
        outbox.Enqueue(options.BillingEmail, $"Referral credit redemption: {amount} credits for @{member.UserName}",
            $"Member: @{member.UserName} ({member.Email})\nMember id: {id}\nCredits: {amount}\nRequested: {now:u}\n\nApply these credits to the customer's next invoice.");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await ledger.AnnounceAsync([entry], ct);
        return TypedResults.Ok(Ledger.View(entry, now));
    }

    private static async Task<NoContent> SetOptOut(OptOutRequest request, ClaimsPrincipal user, CommunityDb db, Leaderboard leaderboard, CancellationToken ct)
    {
        var id = MemberId(user);
        var settings = await db.Set<AdvocateSettings>().FirstOrDefaultAsync(s => s.MemberId == id, ct);
        if (settings is null) db.Add(settings = new AdvocateSettings { MemberId = id });
        settings.LeaderboardOptOut = request.OptOut;
        await db.SaveChangesAsync(ct);
        leaderboard.Changed();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ClaimResult>, ValidationProblem, ProblemHttpResult>> Claim(ClaimRequest request, ClaimsPrincipal user, HttpContext http,
        CommunityDb db, CodeDirectory codes, ReferralAttribution attribution, Ledger ledger, Leaderboard leaderboard, ReferralOptions options, TimeProvider clock, CancellationToken ct)
    {
        var id = MemberId(user);
        var member = await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.JoinedAt, u.Email }).FirstAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (now - member.JoinedAt > TimeSpan.FromDays(options.ClaimDays))
            return Problems.Conflict($"Codes can be claimed within {options.ClaimDays} days of joining.");
        if (await db.Set<Referral>().AnyAsync(r => r.ReferredMemberId == id, ct))
            return Problems.Conflict("Your account is already linked to a referral.");
        var code = await codes.FindAsync(request.Code, ct);
        if (code is null) return new FieldErrors().Add("code", "We don't recognise this code. Check it with the person who invited you.").ToProblem();
        if (code.Unusable(now) is not null) return new FieldErrors().Add("code", "This code is no longer active.").ToProblem();

        await using var tx = await db.BeginWriteAsync(ct);
        ReferralRewards? rewards;
        try { rewards = await attribution.AttributeAsync(code, "claim", id, member.Email, http, null, ct); }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex)) { return Problems.Conflict("Your account is already linked to a referral."); }
        if (rewards is null) return new FieldErrors().Add("code", "This code is no longer active.").ToProblem();
        await tx.CommitAsync(ct);
        leaderboard.Changed();
        await ledger.AnnounceAsync(rewards.Created, ct);
        var referral = await db.Set<Referral>().AsNoTracking().FirstAsync(r => r.ReferredMemberId == id, ct);
        var view = ToAdvocateView(referral, null);
        return TypedResults.Ok(new ClaimResult(referral.Id, view.Status, view.Explanations));
    }
}
