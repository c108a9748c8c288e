namespace Community.Web.Features.Referrals;

// The stable machine words of the referral program, in one place: they are stored in rows, sent to the product's
// integration and matched on, so a typo must be a compile error rather than a silent mismatch.

/// <summary>Event types the product reports; the payment kinds double as <see cref="ReferralConversion.Kind"/>.</summary>
public static class EventTypes
{
    public const string Signup = "signup";
    public const string Conversion = "conversion";
    public const string Refund = "refund";
    public const string Chargeback = "chargeback";

    public static bool IsKnown(string? type) => type is Signup or Conversion or Refund or Chargeback;

    /// <summary>Refunds and chargebacks take money back from a conversion.</summary>
    public static bool TakesBack(string? type) => type is Refund or Chargeback;
}

/// <summary>The status an event answer carries.</summary>
public static class EventStatuses
{
    public const string Recorded = "recorded";
    public const string Held = "held";
    public const string Blocked = "blocked";
    public const string Test = "test";
    public const string Ignored = "ignored";
}

/// <summary>Where a referral came from (<see cref="Referral.Source"/>).</summary>
public static class ReferralSources
{
    public const string Cookie = "cookie";
    public const string Typed = "typed";
    public const string Invite = "invite";
    public const string Claim = "claim";
    public const string Api = "api";
    public const string Test = "test";
}

/// <summary>Reward rules: the first part of every grant's unique key, and the reason of the ledger entry it wrote
/// (reversals give the refund kind instead, <see cref="EventTypes"/>).</summary>
public static class RuleKeys
{
    public const string SignupAdvocate = "signup:advocate";
    public const string SignupFriend = "signup:friend";
    public const string ConversionAdvocate = "conversion:advocate";
    public const string ConversionFriend = "conversion:friend";
    /// <summary>A later payment (a renewal) of a converted customer, keyed by that payment's id: once per invoice.</summary>
    public const string RecurringAdvocate = "recurring:advocate";
    public const string MilestonePrefix = "milestone:";
    public const string ReversePrefix = "reverse:";
    /// <summary>An advocate tier's bonus on a reward: "tier:" + the reward's rule, keyed like the reward (same referral and source
    /// event), so it is paid once and reversed with it.</summary>
    public const string TierPrefix = "tier:";
    /// <summary>Credits or debits by the community team; never capped.</summary>
    public const string Adjustment = "adjustment";
    /// <summary>A member spending their available credits.</summary>
    public const string Redemption = "redemption";

    public static bool IsCapped(string rule) =>
        rule is SignupAdvocate or ConversionAdvocate or RecurringAdvocate || rule.StartsWith(MilestonePrefix, StringComparison.Ordinal)
        || rule.StartsWith(TierPrefix, StringComparison.Ordinal);
}

/// <summary>The source part of a grant's key for rules that are not about one payment.</summary>
public static class GrantSources
{
    public const string Signup = "signup";
    public const string Milestone = "milestone";
}

public static class GrantOutcomes
{
    public const string Granted = "granted";
    public const string Capped = "capped";
}

/// <summary>Reason codes: stable machine words stored on referrals and grants; the wording lives in <see cref="Reasons"/>.</summary>
public static class ReasonCodes
{
    public const string SelfReferral = "self_referral";
    public const string SameDevice = "same_device";
    public const string DisposableEmail = "disposable_email";
    public const string Velocity = "velocity";
    public const string NoPriorAttribution = "no_prior_attribution";
    public const string SharedIp = "shared_ip";
    public const string OverCap = "over_cap";
    public const string TestReferral = "test_referral";
    public const string AlreadyReferred = "already_referred";
    public const string ExpiredCode = "expired_code";
    public const string Rejected = "rejected";
    public const string NoFriendAccount = "no_friend_account";
    public const string AwaitingConfirmation = "awaiting_confirmation";
    public const string NotReferred = "not_referred";
}
