using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Referrals;

public sealed record TestReferralRequest(string? Label);
public sealed record TestReferralResult(long ReferralId, string ExternalCustomerId, string Label);

/// <summary>POST /api/referrals/me/test: a referral for trying the integration out; it is reported like any other and never pays.</summary>
internal static class CreateTestReferral
{
    public static void Map(RouteGroupBuilder me) => me.MapPost("/me/test", Handle);

    private static async Task<Results<Created<TestReferralResult>, ValidationProblem>> Handle(TestReferralRequest request, ClaimsPrincipal user,
        CommunityDb db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Text("label", request.Label, 1, 80, "Label");
        if (errors.Any) return errors.ToProblem();
        var id = Advocates.MemberId(user);
        var code = await Advocates.PersonalCodeAsync(db, id, clock, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var referral = new Referral
        {
            CodeId = code.Id, AdvocateId = id, Source = ReferralSources.Test, IsTest = true, TestLabel = request.Label!.Trim(),
            Decision = ReferralDecision.Allow, Reasons = ReasonCodes.TestReferral, ExternalCustomerId = "test-" + Codes.Generate(12),
            CreatedAt = now, ConfirmedAt = now,
        };
        db.Add(referral);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created("/api/referrals/me", new TestReferralResult(referral.Id, referral.ExternalCustomerId!, referral.TestLabel!));
    }
}
