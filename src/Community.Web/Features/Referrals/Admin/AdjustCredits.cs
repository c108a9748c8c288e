using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Referrals;

public sealed record AdjustmentRequest(string? UserName, long? Amount, string? Note);

/// <summary>POST /api/admin/referrals/adjustments: the community team credits or deducts by hand, with a note.</summary>
internal static class AdjustCredits
{
    public static void Map(RouteGroupBuilder admin) => admin.MapPost("/adjustments", Handle);

    private static FieldErrors Validate(AdjustmentRequest request, string? memberId)
    {
        var errors = new FieldErrors();
        if (memberId is null) errors.Add("userName", "No member with this username.");
        if (request.Amount is null or 0) errors.Add("amount", "Enter a non-zero amount (negative to deduct).");
        else if (Math.Abs(request.Amount.Value) > 100_000_000) errors.Add("amount", "The amount is implausibly large.");
        errors.Text("note", request.Note, 3, 500, "Note");
        return errors;
    }

    private static async Task<Results<Created<LedgerEntryView>, ValidationProblem>> Handle(AdjustmentRequest request, ClaimsPrincipal user,
        CommunityDb db, IMemberDirectory members, Credits credits, Ledger ledger, TimeProvider clock, CancellationToken ct)
    {
        var handle = request.UserName?.Trim().TrimStart('@');
        var memberId = string.IsNullOrEmpty(handle) ? null : await members.FindIdByHandleAsync(handle, ct);
        var errors = Validate(request, memberId);
        if (errors.Any) return errors.ToProblem();
        await using var tx = await db.BeginWriteAsync(ct);
        // Every adjustment is an event of its own: a fresh source id, so two identical adjustments are two entries.
        var grant = await credits.GrantAsync(new Credit(RuleKeys.Adjustment, memberId!, NewSourceId(), request.Amount!.Value)
        {
            Kind = LedgerKind.Adjustment, Note = request.Note!.Trim(), ActorId = Advocates.MemberId(user),
        }, ct);
        await tx.CommitAsync(ct);
        await ledger.AnnounceAsync(credits.Created, ct);
        return TypedResults.Created("/api/admin/referrals/export/ledger.csv", Ledger.View(grant.LedgerEntry!, clock.GetUtcNow().UtcDateTime));
    }

    internal static string NewSourceId() => Guid.NewGuid().ToString("N");
}
