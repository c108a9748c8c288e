using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record ProgramView(long SignupAdvocateCredits, long SignupFriendCredits, long ConversionAdvocateCredits, int ConversionAdvocatePercent,
    long ConversionFriendCredits, string Milestones, long MonthlyCap, long LifetimeCap, int AttributionDays, bool LastTouch, int HoldDays,
    int VelocityPerHour, bool InviteOnly, string? LandingUrl, DateTime UpdatedAt, string? RecurringMode = RecurringModes.None,
    int RecurringPercent = 0, long RecurringCredits = 0, int RecurringMonths = 12, long RecurringCap = 0,
    int TierBronzeConversions = 1, int TierSilverConversions = 5, int TierGoldConversions = 10, int TierBronzePercent = 100,
    int TierSilverPercent = 100, int TierGoldPercent = 100);

/// <summary>GET and PUT /api/admin/referrals/program: the reward rules marketing edits.</summary>
internal static class EditProgram
{
    private const long MaxCredits = 100_000_000;

    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/program", Get);
        admin.MapPut("/program", Put);
    }

    private static ProgramView View(ReferralProgram p) => new(p.SignupAdvocateCredits, p.SignupFriendCredits, p.ConversionAdvocateCredits,
        p.ConversionAdvocatePercent, p.ConversionFriendCredits, p.Milestones, p.MonthlyCap, p.LifetimeCap, p.AttributionDays, p.LastTouch, p.HoldDays,
        p.VelocityPerHour, p.InviteOnly, p.LandingUrl, p.UpdatedAt, p.RecurringMode, p.RecurringPercent, p.RecurringCredits, p.RecurringMonths,
        p.RecurringCap, p.TierBronzeConversions, p.TierSilverConversions, p.TierGoldConversions, p.TierBronzePercent, p.TierSilverPercent,
        p.TierGoldPercent);

    private static async Task<Ok<ProgramView>> Get(ProgramStore programs, CancellationToken ct) => TypedResults.Ok(View(await programs.GetAsync(ct)));

    private static FieldErrors Validate(ProgramView request, string milestones, string? landing)
    {
        var errors = new FieldErrors();
        void Range(string field, long value, long min, long max, string label)
        {
            if (value < min || value > max) errors.Add(field, $"{label} must be between {min} and {max}.");
        }
        Range("signupAdvocateCredits", request.SignupAdvocateCredits, 0, MaxCredits, "Credits");
        Range("signupFriendCredits", request.SignupFriendCredits, 0, MaxCredits, "Credits");
        Range("conversionAdvocateCredits", request.ConversionAdvocateCredits, 0, MaxCredits, "Credits");
        Range("conversionAdvocatePercent", request.ConversionAdvocatePercent, 0, 100, "Percentage");
        Range("conversionFriendCredits", request.ConversionFriendCredits, 0, MaxCredits, "Credits");
        Range("monthlyCap", request.MonthlyCap, 0, MaxCredits * 100, "Monthly cap (0 = none)");
        Range("lifetimeCap", request.LifetimeCap, 0, MaxCredits * 100, "Lifetime cap (0 = none)");
        Range("attributionDays", request.AttributionDays, 1, 365, "Attribution window");
        Range("holdDays", request.HoldDays, 0, 365, "Hold period");
        Range("velocityPerHour", request.VelocityPerHour, 0, 10_000, "Velocity limit (0 = off)");
        if (!RecurringModes.IsKnown(request.RecurringMode))
            errors.Add("recurringMode", "Choose none, percent (of each later payment) or fixed (credits per later payment).");
        Range("recurringPercent", request.RecurringPercent, 0, 100, "Percentage");
        Range("recurringCredits", request.RecurringCredits, 0, MaxCredits, "Credits");
        Range("recurringMonths", request.RecurringMonths, 1, 120, "Months");
        Range("recurringCap", request.RecurringCap, 0, MaxCredits * 100, "Cap per referral (0 = none)");
        if (request.RecurringMode == RecurringModes.Percent && request.RecurringPercent == 0)
            errors.Add("recurringPercent", "Give the percentage of each later payment (1–100), or choose none.");
        if (request.RecurringMode == RecurringModes.Fixed && request.RecurringCredits == 0)
            errors.Add("recurringCredits", "Give the credits per later payment, or choose none.");
        Range("tierBronzeConversions", request.TierBronzeConversions, 0, 10_000, "Paying customers for Bronze (0 = off)");
        Range("tierSilverConversions", request.TierSilverConversions, 0, 10_000, "Paying customers for Silver (0 = off)");
        Range("tierGoldConversions", request.TierGoldConversions, 0, 10_000, "Paying customers for Gold (0 = off)");
        Range("tierBronzePercent", request.TierBronzePercent, 100, 1000, "Bronze multiplier (%)");
        Range("tierSilverPercent", request.TierSilverPercent, 100, 1000, "Silver multiplier (%)");
        Range("tierGoldPercent", request.TierGoldPercent, 100, 1000, "Gold multiplier (%)");
        if (request.TierSilverConversions > 0 && request.TierSilverConversions <= request.TierBronzeConversions)
            errors.Add("tierSilverConversions", "Silver needs more paying customers than Bronze.");
        if (request.TierGoldConversions > 0 && request.TierGoldConversions <= Math.Max(request.TierBronzeConversions, request.TierSilverConversions))
            errors.Add("tierGoldConversions", "Gold needs more paying customers than Silver and Bronze.");
        if (milestones.Length > 200 || (milestones.Length > 0 && ProgramStore.ParseMilestones(milestones).Count == 0))
            errors.Add("milestones", "Write milestones as count:credits pairs, e.g. 5:2500,10:5000.");
        if (landing is not null && (landing.Length > 500 || !LocalUrls.IsSafeLanding(landing)))
            errors.Add("landingUrl", "Use an absolute http(s) URL or a path on this site, or leave empty for the sign-up page.");
        return errors;
    }

    private static async Task<Results<Ok<ProgramView>, ValidationProblem>> Put(ProgramView request, CommunityDb db, ProgramStore programs,
        TimeProvider clock, CancellationToken ct)
    {
        var milestones = (request.Milestones ?? "").Trim();
        var landing = string.IsNullOrWhiteSpace(request.LandingUrl) ? null : request.LandingUrl.Trim();
        var errors = Validate(request, milestones, landing);
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
        row.RecurringMode = request.RecurringMode!;
        row.RecurringPercent = request.RecurringPercent;
        row.RecurringCredits = request.RecurringCredits;
        row.RecurringMonths = request.RecurringMonths;
        row.RecurringCap = request.RecurringCap;
        row.TierBronzeConversions = request.TierBronzeConversions;
        row.TierSilverConversions = request.TierSilverConversions;
        row.TierGoldConversions = request.TierGoldConversions;
        row.TierBronzePercent = request.TierBronzePercent;
        row.TierSilverPercent = request.TierSilverPercent;
        row.TierGoldPercent = request.TierGoldPercent;
        row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        programs.Invalidate();
        return TypedResults.Ok(View(row));
    }
}
