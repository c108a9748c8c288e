namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// The OpenID Connect provider, from configuration (<c>Sso:Oidc:*</c>). Sign-in with it is on when Authority and ClientId are set.
/// </summary>
public sealed class OidcSettings
{
    public const string Section = "Sso:Oidc";
    public const string Scheme = "oidc";
    public const string StartPath = "/auth/oidc/start";
    public const string DefaultCallbackPath = "/auth/oidc/callback";

    public string Authority { get; set; } = "";
    public string ClientId { get; set; } = "";
    public string ClientSecret { get; set; } = "";
    /// <summary>The product's name on the button: "Continue with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "";
    /// <summary>Scopes asked for on top of openid, email and profile (space- or comma-separated).</summary>
    public string Scopes { get; set; } = "";
    public string CallbackPath { get; set; } = DefaultCallbackPath;
    /// <summary>Off only for a provider on plain http (tests, a provider on the same machine).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
    /// <summary>Allow the provider's address to be loopback or a private network (the outbound guard refuses those otherwise).</summary>
    public bool AllowPrivateAddresses { get; set; }
    /// <summary>Every call to the provider (discovery, keys, token, userinfo) gives up after this.</summary>
    public int TimeoutSeconds { get; set; } = 5;
    public OidcClaimNames Claims { get; set; } = new();

    private static readonly string[] BaseScopes = ["openid", "email", "profile"];

    public bool Enabled => Authority.Length > 0 && ClientId.Length > 0;

    public IReadOnlyList<string> AllScopes() =>
        BaseScopes
            .Concat(Scopes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();

    public string ButtonName(IConfiguration configuration) =>
        (DisplayName.Length > 0 ? DisplayName : configuration["Sso:Oidc:Name"] ?? configuration["Sso:ProductName"] ?? "your product").Trim();

    public static OidcSettings From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<OidcSettings>() ?? new OidcSettings();
}

/// <summary>Which claims carry the product attributes. The standard ones (sub, email, email_verified, preferred_username, name,
/// picture) are fixed by the OpenID Connect specification.</summary>
public sealed class OidcClaimNames
{
    public string AccountId { get; set; } = "account_id";
    public string AccountName { get; set; } = "account_name";
    public string Plan { get; set; } = "plan";
    public string Groups { get; set; } = "groups";
    /// <summary>Custom attribute key → claim name; a key of <c>Sso:CustomAttributes</c> not listed here is read from the claim
    /// of the same name.</summary>
    public Dictionary<string, string> Custom { get; set; } = new(StringComparer.Ordinal);
}
