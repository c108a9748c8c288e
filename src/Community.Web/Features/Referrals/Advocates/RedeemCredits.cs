using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Problems;

namespace Community.Web.Features.Referrals;

public sealed record RedeemRequest(long? Amount);

/// <summary>POST /api/referrals/me/redeem: spends available credits (all by default); billing gets a mail to apply them.</summary>
internal static class RedeemCredits
{
    public static void Map(RouteGroupBuilder me) => me.MapPost("/me/redeem", Handle);

    private static FieldErrors Validate(long available, long amount)
    {
        var errors = new FieldErrors();
        if (available <= 0) errors.Add("amount", "You have no available credits to redeem yet.");
        else if (amount <= 0 || amount > available) errors.Add("amount", $"Redeem between 1 and {available} credits.");
        return errors;
    }

    private static async Task<Results<Ok<LedgerEntryView>, ValidationProblem>> Handle(RedeemRequest request, ClaimsPrincipal user, CommunityDb db,
        IMemberDirectory members, Credits credits, Ledger ledger, EmailOutbox outbox, ReferralOptions options, TimeProvider clock,
        CancellationToken ct)
    {
        var id = Advocates.MemberId(user);
        // The balance is read inside the write, so two redemptions cannot both spend it.
        await using var tx = await db.BeginWriteAsync(ct);
        var available = (await ledger.BalancesAsync(id, ct)).Available;
        var amount = request.Amount ?? available;
        var errors = Validate(available, amount);
        if (errors.Any) return errors.ToProblem();
        var redemption = new Credit(RuleKeys.Redemption, id, AdjustCredits.NewSourceId(), -amount) { Kind = LedgerKind.Redemption };
        var grant = await credits.GrantAsync(redemption, ct);
        var member = (await members.FindAsync(id, ct))!;
        var now = clock.GetUtcNow().UtcDateTime;
        outbox.Enqueue(options.BillingEmail, $"Referral credit redemption: {amount} credits for @{member.UserName}",
            $"Member: @{member.UserName} ({member.Email})\nMember id: {id}\nCredits: {amount}\nRequested: {now:u}\n\n" +
            "Apply these credits to the customer's next invoice.");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await ledger.AnnounceAsync(credits.Created, ct);
        return TypedResults.Ok(Ledger.View(grant.LedgerEntry!, now));
    }
}
