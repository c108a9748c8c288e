using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>The referral a provider event is about, how it was found (for the admin's reason line), and the payment a refund or
/// dispute takes from when an earlier event told us.</summary>
internal sealed record BillingMatch(Referral? Referral, string? How, string? PaymentId = null);

/// <summary>
/// Finds the referred customer behind a provider event, strongest evidence first: the product's id in the metadata
/// (<c>community_external_id</c>, as the events API recorded it or as a member's <see cref="Member.ExternalId"/>), then an earlier
/// event of the same payment or customer (refunds and disputes rarely carry metadata or email), then the email. A customer
/// nobody referred yet may still be attributed by a <c>referral_code</c> in the metadata: that happens in the events API's rules.
/// </summary>
internal sealed class BillingMatcher(CommunityDb db, IMemberDirectory members)
{
    public async Task<BillingMatch> MatchAsync(BillingNotice notice, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(notice.ExternalId))
        {
            var externalId = notice.ExternalId.Trim();
            if (await ReferralLookups.ByExternalId(db, externalId, ct) is { } known)
                return new BillingMatch(known, "metadata");
            if (await members.FindIdByExternalIdAsync(externalId, ct) is { } memberId
                && await ReferralLookups.ByMember(db, memberId, ct) is { } ofMember)
                return new BillingMatch(ofMember, "external id");
        }
        var earlier = await EarlierAsync(notice, ct);
        if (earlier?.ReferralId is { } id && await ReferralLookups.ById(db, id, ct) is { } seen)
            return new BillingMatch(seen, "earlier event", earlier.PaymentId);
        if (!string.IsNullOrWhiteSpace(notice.Email))
        {
            var email = EmailRules.Normalise(notice.Email);
            if (await ReferralLookups.ByEmail(db, email, ct) is { } byEmail) return new BillingMatch(byEmail, "email");
        }
        return new BillingMatch(null, null);
    }

    /// <summary>The payment named by a refund or dispute, found through the events we stored for it.</summary>
    public async Task<string?> PaymentOfAsync(BillingNotice notice, CancellationToken ct) =>
        notice.PaymentId ?? (await ByPaymentAsync(notice, ct))?.PaymentId;

    /// <summary>Stripe reports everything refunded of a charge so far; what the earlier refund events of it already counted.</summary>
    public async Task<long> RefundedBeforeAsync(BillingNotice notice, CancellationToken ct)
    {
        if (notice.PaymentRefs.Count == 0) return 0;
        var refs = notice.PaymentRefs.ToArray();
        return await db.Set<BillingEvent>().AsNoTracking()
            .Where(e => e.Provider == notice.Provider && e.Type == notice.Type && e.Outcome == BillingOutcomes.Applied
                && e.PaymentRef != null && refs.Contains(e.PaymentRef))
            .MaxAsync(e => e.Amount, ct) ?? 0;
    }

    private async Task<BillingEvent?> EarlierAsync(BillingNotice notice, CancellationToken ct)
    {
        if (await ByPaymentAsync(notice, ct) is { } payment) return payment;
        if (string.IsNullOrEmpty(notice.CustomerRef)) return null;
        // The same customer, but not necessarily the same payment: the referral only.
        var referralId = await ReferralOfCustomer(db, notice.Provider, notice.CustomerRef, ct);
        return referralId is null ? null : new BillingEvent { ReferralId = referralId };
    }

    private async Task<BillingEvent?> ByPaymentAsync(BillingNotice notice, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(notice.PaymentId) && await OfPayment(db, notice.Provider, notice.PaymentId, ct) is { } hit) return hit;
        if (notice.PaymentRefs.Count == 0) return null;
        var refs = notice.PaymentRefs.ToArray();
        return await Earlier(notice.Provider).Where(e => e.PaymentRef != null && refs.Contains(e.PaymentRef) && e.PaymentId != null)
            .OrderBy(e => e.Id).FirstOrDefaultAsync(ct);
    }

    private IQueryable<BillingEvent> Earlier(string provider) =>
        db.Set<BillingEvent>().AsNoTracking().Where(e => e.Provider == provider && e.ReferralId != null);

    // Compiled once: the matcher runs inside the events writer for every provider event (the referral lookups too, see
    // ReferralLookups).
    private static readonly Func<CommunityDb, string, string, CancellationToken, Task<BillingEvent?>> OfPayment = EF.CompileAsyncQuery(
        (CommunityDb db, string provider, string paymentId, CancellationToken ct) => db.Set<BillingEvent>().AsNoTracking()
            .Where(e => e.Provider == provider && e.ReferralId != null && e.PaymentId == paymentId).OrderBy(e => e.Id).FirstOrDefault());

    private static readonly Func<CommunityDb, string, string, CancellationToken, Task<long?>> ReferralOfCustomer = EF.CompileAsyncQuery(
        (CommunityDb db, string provider, string customerRef, CancellationToken ct) => db.Set<BillingEvent>()
            .Where(e => e.Provider == provider && e.ReferralId != null && e.CustomerRef == customerRef).OrderByDescending(e => e.Id)
            .Select(e => e.ReferralId).FirstOrDefault());
}
