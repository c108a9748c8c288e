namespace Community.Web.Features.Accounts.Product;

/// <summary>Who a person is in the product Community runs next to, as a sign-in provider (OIDC, Connect) or the member
/// sync API reports it. Every field but <see cref="ExternalId"/> is optional; absent fields leave the member's value alone.</summary>
/// <param name="ExternalId">The product's user id; unique per member.</param>
/// <param name="EmailVerified">Only a verified email may create a confirmed account or link to an existing local account.</param>
/// <param name="Groups">Provider groups, mapped to roles by the admin's group→role map.</param>
/// <param name="Custom">Admin-chosen custom attributes (string values only).</param>
public sealed record ProductProfile(
    string ExternalId,
    string? Email,
    bool EmailVerified,
    string? UserName = null,
    string? Name = null,
    string? AvatarUrl = null,
    string? AccountId = null,
    string? AccountName = null,
    string? Plan = null,
    IReadOnlyList<string>? Groups = null,
    IReadOnlyDictionary<string, string>? Custom = null);

/// <summary>How the profile arrived: shown on the member's admin page and in the "linked" notice.</summary>
public enum ProductSource { Oidc, Connect, Sync }

public enum UpsertOutcome { Created, Updated, Linked }

/// <summary>The result of matching a profile to a member. <see cref="Error"/> is set (and nothing changed) when the profile was
/// refused, e.g. an unverified email that belongs to an existing local account.</summary>
public sealed record UpsertResult(string? MemberId, UpsertOutcome Outcome, string? Error = null);

/// <summary>Creates members just in time and keeps their product attributes current. The only writer of the product columns.</summary>
public interface IExternalMembers
{
    /// <summary>Match by external id, then (verified email only) by email to link; otherwise create. Refreshes attributes and
    /// group-mapped roles.</summary>
    Task<UpsertResult> UpsertAsync(ProductProfile profile, ProductSource source, CancellationToken ct);

    /// <summary>Deactivates the member with this external id: every session ends at once, nothing they wrote is hidden.
    /// Returns false when no member has that id.</summary>
    Task<bool> DeactivateAsync(string externalId, CancellationToken ct);
}
