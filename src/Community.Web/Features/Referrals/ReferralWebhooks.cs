using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Integrations;
using Community.Web.Infrastructure.Activity;

namespace Community.Web.Features.Referrals;

/// <summary>A referral in webhook payloads: ids and product ids only. Never the customer's email, device or IP hash.</summary>
public sealed record ReferralEventData(long ReferralId, string? AdvocateId, string? AdvocateExternalId, string? ReferredMemberId,
    string? CustomerExternalId, string Source, string Decision, bool IsTest, DateTime CreatedAt);

public sealed record ConversionEventData(ReferralEventData Referral, string EventId, long Amount, string Currency, string? Plan,
    DateTime ConvertedAt);

/// <summary>A ledger entry: <c>amount</c> in credits (negative for reversals and redemptions).</summary>
public sealed record CreditEventData(long LedgerEntryId, string MemberId, string? MemberExternalId, long Amount, string Kind, string Rule,
    string Reason, long? ReferralId, string SourceEventId, DateTime CreatedAt, DateTime AvailableAt);

/// <summary>Shapes and records the referral and credit webhook events inside the caller's write (one per feature, see
/// <see cref="IWebhookEvents"/>). The member lookups read the product's external ids, which integrations match on.</summary>
public sealed class ReferralWebhooks(IWebhookEvents events, IMemberDirectory members, IMemberActivity activity)
{
    /// <summary>Whether an endpoint wants referral events (which name the referral by its id, so it must be inserted first).</summary>
    public bool WantsReferralEvents => events.Wants(WebhookTypes.ReferralSignedUp) || events.Wants(WebhookTypes.ReferralConverted);

    public async Task SignedUpAsync(CommunityDb db, Referral referral, CancellationToken ct)
    {
        if (referral.AdvocateId is { } advocate) activity.Report(advocate, ActivityKind.ReferredSignUp, referral.CreatedAt);
        if (events.Wants(WebhookTypes.ReferralSignedUp)) events.Add(db, WebhookTypes.ReferralSignedUp, await DataAsync(referral, ct));
    }

    /// <summary>The referral's first payment (later payments are recurring revenue, not a new conversion).</summary>
    public async Task ConvertedAsync(CommunityDb db, Referral referral, string eventId, long amount, string currency, string? plan,
        CancellationToken ct)
    {
        if (referral.AdvocateId is { } advocate)
        {
            activity.Report(advocate, ActivityKind.ReferralConverted, referral.ConvertedAt ?? referral.CreatedAt);
        }
        if (!events.Wants(WebhookTypes.ReferralConverted)) return;
        events.Add(db, WebhookTypes.ReferralConverted, new ConversionEventData(await DataAsync(referral, ct), eventId, amount,
            currency.ToUpperInvariant(), plan, referral.ConvertedAt ?? referral.CreatedAt));
    }

    /// <summary>A ledger entry just written by <see cref="Credits.GrantAsync"/>: granted, reversed or redeemed (adjustments by sign).</summary>
    public async Task CreditAsync(CommunityDb db, LedgerEntry entry, Credit credit, CancellationToken ct)
    {
        var type = entry.Kind switch
        {
            LedgerKind.Reversal => WebhookTypes.CreditReversed,
            LedgerKind.Redemption => WebhookTypes.CreditRedeemed,
            LedgerKind.Adjustment when entry.Amount < 0 => WebhookTypes.CreditReversed,
            _ => WebhookTypes.CreditGranted,
        };
        if (!events.Wants(type)) return;
        var member = await members.FindAsync(entry.MemberId, ct);
        events.Add(db, type, new CreditEventData(entry.Id, entry.MemberId, member?.ExternalId, entry.Amount, entry.Kind.ToString().ToLowerInvariant(),
            credit.Rule, entry.Reason, entry.ReferralId, credit.SourceEventId, entry.CreatedAt, entry.AvailableAt));
    }

    // Per write scope: a sign-up and its first payment, or a batch of events for one busy code, name the same advocate.
    private readonly Dictionary<string, MemberCard?> _advocates = new(StringComparer.Ordinal);

    private async Task<ReferralEventData> DataAsync(Referral r, CancellationToken ct)
    {
        MemberCard? advocate = null;
        if (r.AdvocateId is { } id && !_advocates.TryGetValue(id, out advocate)) _advocates[id] = advocate = await members.FindAsync(id, ct);
        return new ReferralEventData(r.Id, r.AdvocateId, advocate?.ExternalId, r.ReferredMemberId, r.ExternalCustomerId, r.Source,
            r.Decision.ToString().ToLowerInvariant(), r.IsTest, r.CreatedAt);
    }
}
