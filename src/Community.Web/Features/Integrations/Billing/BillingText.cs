using System.Globalization;
using Community.Web.Features.Referrals;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Community.Web.Features.Integrations.Billing;

/// <summary>The one-line reasons the admin reads next to each billing event. Emails are shortened to their first part.</summary>
internal static class BillingText
{
    public const string NoReferral = "no referral for this customer";
    private const int MaxReason = 500;

    /// <summary>"ana@…": enough for an admin to recognise a customer, without copying addresses into another table.</summary>
    public static string Who(BillingNotice notice, Referral? referral)
    {
        var email = notice.Email ?? referral?.CustomerEmail;
        if (!string.IsNullOrWhiteSpace(email))
        {
            var at = email.IndexOf('@', StringComparison.Ordinal);
            return at > 0 ? email[..at] + "@…" : "a customer";
        }
        var id = notice.ExternalId ?? referral?.ExternalCustomerId ?? notice.CustomerRef;
        return id is null ? "a customer" : "customer " + id;
    }

    public static string Applied(string who, BillingNotice notice, ReferralEventRequest request, EventResult result)
    {
        var money = Money(request.Amount ?? 0, request.Currency ?? notice.Currency);
        var granted = result.Grants.Where(g => g.Amount != 0).ToList();
        var what = request.Type switch
        {
            EventTypes.Conversion when granted.Any(g => g.Rule == RuleKeys.RecurringAdvocate) => "recurring payment of " + money,
            EventTypes.Conversion when granted.Count > 0 => "conversion of " + money,
            EventTypes.Conversion => "payment of " + money + " recorded (the program rewards the first payment only)",
            EventTypes.Refund => "refund of " + money,
            _ => "chargeback",
        };
        var credits = granted.Count == 0 ? "" : "; credits " + string.Join(", ",
            granted.Select(g => g.Amount.ToString("+#;-#", CultureInfo.InvariantCulture) + " to the " + g.Beneficiary));
        var status = result.Status is EventStatuses.Recorded ? "" : $" ({result.Status}{Reasons(result)})";
        return Clip($"matched {who}, {what}{credits}{status}");
    }

    /// <summary>Why the ledger refused it, from the ProblemDetails the events API would have answered.</summary>
    public static string Problem(IResult problem) => problem switch
    {
        ValidationProblem v => string.Join(" ", v.ProblemDetails.Errors.SelectMany(e => e.Value)),
        ProblemHttpResult p => p.ProblemDetails.Detail ?? p.ProblemDetails.Title ?? "refused",
        _ => "refused by the referral program's rules",
    };

    public static string Money(long minor, string? currency)
    {
        var code = (currency ?? "").ToUpperInvariant();
        var major = code is "JPY" or "KRW" ? minor : minor / 100m;
        return major.ToString(code is "JPY" or "KRW" ? "0" : "0.00", CultureInfo.InvariantCulture) + " " + code;
    }

    public static string Clip(string text) => text.Length <= MaxReason ? text : text[..(MaxReason - 1)] + "…";

    private static string Reasons(EventResult result) => result.Reasons.Count == 0 ? "" : ": " + string.Join(", ", result.Reasons);
}
