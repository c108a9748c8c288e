using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Referrals;

public sealed record ShareRequest(IReadOnlyList<string>? Emails, string? Message);
public sealed record ShareResult(int Sent);

/// <summary>POST /api/referrals/me/share: invitations by email, each with a token that attributes the sign-up. Rate limited per member.</summary>
internal static class ShareByEmail
{
    public const string RateLimit = "referral-share";

    public static void Map(RouteGroupBuilder me) => me.MapPost("/me/share", Handle).RequireRateLimiting(RateLimit);

    private static FieldErrors Validate(ShareRequest request, List<string> emails)
    {
        var errors = new FieldErrors();
        if (emails.Count == 0) errors.Add("emails", "Enter at least one email address.");
        else if (emails.Count > 5) errors.Add("emails", "Send to at most 5 people at a time.");
        else if (emails.FirstOrDefault(e => e.Length > MemberRules.EmailMax || !MemberRules.EmailShape().IsMatch(e)) is { } bad)
            errors.Add("emails", $"\"{bad}\" doesn't look like an email address.");
        errors.Text("message", request.Message, 0, 500, "Message");
        return errors;
    }

    private static async Task<Results<Accepted<ShareResult>, ValidationProblem>> Handle(ShareRequest request, ClaimsPrincipal user,
        CommunityDb db, IMemberDirectory members, EmailOutbox outbox, SiteOptions site, PublicUrls urls, TimeProvider clock, CancellationToken ct)
    {
        var emails = (request.Emails ?? []).Select(e => e?.Trim() ?? "").Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var errors = Validate(request, emails);
        if (errors.Any) return errors.ToProblem();

        var id = Advocates.MemberId(user);
        var code = await Advocates.PersonalCodeAsync(db, id, clock, ct);
        var name = (await members.FindAsync(id, ct))!.DisplayName;
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
}
