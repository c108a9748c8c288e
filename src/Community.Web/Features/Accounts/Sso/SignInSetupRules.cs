using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>PUT /api/admin/sign-in: each part optional (null leaves it as it is); a locked part (set by configuration) is refused.</summary>
public sealed record SignInSetupRequest(bool? LocalPasswords = null, OidcInput? Oidc = null, ConnectInput? Connect = null,
    IReadOnlyList<GroupRoleView>? GroupRoles = null, IReadOnlyList<string>? CustomAttributes = null);

/// <summary>The OpenID Connect provider. <c>ClientSecret</c> empty keeps the stored one; <c>Remove</c> turns the provider off.</summary>
public sealed record OidcInput(string? Name = null, string? Authority = null, string? ClientId = null, string? ClientSecret = null,
    string? Scopes = null, OidcClaimNames? Claims = null, bool Remove = false);

/// <summary>The Connect provider. <c>Secret</c> empty keeps the stored one (required the first time); <c>Remove</c> turns it off.</summary>
public sealed record ConnectInput(string? Name = null, string? Url = null, string? Secret = null, bool Remove = false);

/// <summary>
/// Checks an edit before anything is stored: names without markup, an https authority (plain http only in Development or with
/// <c>Sso:Oidc:RequireHttpsMetadata=false</c>), URLs without credentials whose host is not private (the outbound guard's rule,
/// after DNS) unless the deployment allows private addresses, secrets of a useful length, known roles.
/// </summary>
public static partial class SignInSetupRules
{
    public const int NameMax = 60, UrlMax = 500, ClientIdMax = 200, SecretMax = 500, OidcSecretMin = 16, ScopesMax = 500;
    public const int ClaimMax = 200, GroupRolesMax = 100, CustomAttributesMax = 50;

    public static async Task<FieldErrors> CheckAsync(SignInSetupRequest r, SignInSetupStore store, SignInSetupDocument saved,
        bool development, IConfiguration configuration, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var locks = store.Locks;
        const string Locked = "Set by the site's configuration ({0}); change it there.";
        if (r.LocalPasswords is not null && locks.LocalPasswords) errors.Add("localPasswords", string.Format(null, Locked, "Sso:LocalPasswords"));
        if (r.Oidc is { } oidc)
        {
            if (locks.Oidc) errors.Add("oidc", string.Format(null, Locked, "Sso:Oidc:*"));
            else if (!oidc.Remove) await CheckOidcAsync(oidc, errors, development, configuration, ct);
        }
        if (r.Connect is { } connect)
        {
            if (locks.Connect) errors.Add("connect", string.Format(null, Locked, "Sso:Connect:*"));
            else if (!connect.Remove) await CheckConnectAsync(connect, saved.Connect, errors, development, configuration, ct);
        }
        if (r.GroupRoles is { } groups)
        {
            if (locks.GroupRoles) errors.Add("groupRoles", string.Format(null, Locked, "Sso:GroupRoles"));
            else CheckGroups(groups, errors);
        }
        if (r.CustomAttributes is { } custom)
        {
            if (locks.CustomAttributes) errors.Add("customAttributes", string.Format(null, Locked, "Sso:CustomAttributes"));
            else CheckCustom(custom, errors);
        }
        return errors;
    }

    private static async Task CheckOidcAsync(OidcInput o, FieldErrors errors, bool development,
        IConfiguration configuration, CancellationToken ct)
    {
        Name(errors, "oidc.name", o.Name);
        var requireHttps = !development && configuration.GetValue("Sso:Oidc:RequireHttpsMetadata", true);
        await UrlAsync(errors, "oidc.authority", o.Authority, requireHttps,
            configuration.GetValue("Sso:Oidc:AllowPrivateAddresses", false), "Sso:Oidc:AllowPrivateAddresses", ct);
        if (errors.Text("oidc.clientId", o.ClientId, 1, ClientIdMax, "Client id") && HasControl(o.ClientId!))
            errors.Add("oidc.clientId", "Client id holds characters that cannot be sent.");
        if (!string.IsNullOrEmpty(o.ClientSecret) && (o.ClientSecret.Length is < OidcSecretMin or > SecretMax || HasControl(o.ClientSecret)))
            errors.Add("oidc.clientSecret", $"Client secret must be {OidcSecretMin}–{SecretMax} characters (as the provider issued it).");
        var scopes = (o.Scopes ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        if ((o.Scopes?.Length ?? 0) > ScopesMax || scopes.Any(s => !Scope().IsMatch(s)))
            errors.Add("oidc.scopes", $"Scopes are names of letters, digits and _ : . / - separated by spaces (at most {ScopesMax} characters).");
        var claims = o.Claims ?? new OidcClaimNames();
        foreach (var (field, value) in new[] { ("accountId", claims.AccountId), ("accountName", claims.AccountName), ("plan", claims.Plan),
            ("groups", claims.Groups) }.Concat(claims.Custom.Select(c => ("custom." + c.Key, c.Value))))
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > ClaimMax || value.Any(char.IsWhiteSpace) || HasControl(value))
                errors.Add("oidc.claims." + field, $"A claim name is 1–{ClaimMax} characters without spaces.");
        }
    }

    private static async Task CheckConnectAsync(ConnectInput c, StoredConnect? saved, FieldErrors errors, bool development,
        IConfiguration configuration, CancellationToken ct)
    {
        Name(errors, "connect.name", c.Name);
        await UrlAsync(errors, "connect.url", c.Url, !development,
            configuration.GetValue("Sso:Connect:AllowPrivateAddresses", false), "Sso:Connect:AllowPrivateAddresses", ct);
        if (string.IsNullOrEmpty(c.Secret))
        {
            if (saved is null) errors.Add("connect.secret", "Enter the shared secret.");
        }
        else if (c.Secret.Length is < ConnectSettings.SecretMin or > SecretMax || HasControl(c.Secret))
        {
            errors.Add("connect.secret",
                $"The shared secret must be {ConnectSettings.SecretMin}–{SecretMax} characters; a long random one is best.");
        }
    }

    private static void CheckGroups(IReadOnlyList<GroupRoleView> groups, FieldErrors errors)
    {
        if (groups.Count > GroupRolesMax) errors.Add("groupRoles", $"At most {GroupRolesMax} groups.");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            if (!errors.Text($"groupRoles[{i}].group", g?.Group, 1, ProductProfileRules.GroupMax, "Group")) continue;
            if (HasMarkup(g!.Group)) errors.Add($"groupRoles[{i}].group", "A group name cannot hold < > or control characters.");
            else if (!seen.Add(g.Group.Trim())) errors.Add($"groupRoles[{i}].group", "This group is listed twice.");
            if (!Roles.All.Any(r => r != Roles.Member && string.Equals(r, g.Role?.Trim(), StringComparison.OrdinalIgnoreCase)))
                errors.Add($"groupRoles[{i}].role", "Choose Moderator, Marketing or Admin.");
        }
    }

    private static void CheckCustom(IReadOnlyList<string> custom, FieldErrors errors)
    {
        if (custom.Count > CustomAttributesMax) errors.Add("customAttributes", $"At most {CustomAttributesMax} attributes.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < custom.Count; i++)
        {
            var key = custom[i]?.Trim() ?? "";
            if (!AttributeKey().IsMatch(key))
                errors.Add($"customAttributes[{i}]", $"Use 1–{ProductProfileRules.CustomKeyMax} letters, digits, _ . or -.");
            else if (!seen.Add(key)) errors.Add($"customAttributes[{i}]", "This attribute is listed twice.");
        }
    }

    private static void Name(FieldErrors errors, string field, string? name)
    {
        if (errors.Text(field, name, 1, NameMax, "Name") && HasMarkup(name!))
            errors.Add(field, "The name cannot hold < > or control characters.");
    }

    private static async Task UrlAsync(FieldErrors errors, string field, string? url, bool requireHttps, bool allowPrivate, string setting,
        CancellationToken ct)
    {
        if (!errors.Text(field, url, 1, UrlMax, "URL")) return;
        if (!Uri.TryCreate(url!.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            errors.Add(field, "Enter an absolute https:// URL.");
            return;
        }
        if (uri.Scheme == "http" && requireHttps) errors.Add(field, "The URL must use https.");
        else if (uri.UserInfo.Length > 0) errors.Add(field, "Leave credentials out of the URL.");
        else if (uri.Fragment.Length > 0) errors.Add(field, "Leave the #fragment out of the URL.");
        else if (!allowPrivate && await PrivateHostRefusalAsync(uri, setting, ct) is { } refusal) errors.Add(field, refusal);
    }

    /// <summary>The outbound guard's rule at save time; the guarded handler checks again on every call (DNS may change).</summary>
    private static async Task<string?> PrivateHostRefusalAsync(Uri uri, string setting, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "The host name does not resolve.";
        }
        if (addresses.Length == 0) return "The host name does not resolve.";
        return addresses.Any(OutboundGuard.IsPrivate)
            ? $"The URL points to a private address (loopback, link-local or a private range); set {setting}=true to allow that."
            : null;
    }

    private static bool HasControl(string value) => value.Any(char.IsControl);

    private static bool HasMarkup(string value) => value.Contains('<', StringComparison.Ordinal) || value.Contains('>', StringComparison.Ordinal)
        || HasControl(value);

    [GeneratedRegex("^[A-Za-z0-9_:./-]{1,100}$")]
    private static partial Regex Scope();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex AttributeKey();
}
