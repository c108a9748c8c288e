namespace Community.Web.Features.Accounts.Product;

/// <summary>The admin's choices for product identity: which custom attributes are kept and which provider groups grant roles.
/// One instance is a snapshot: the sign-in set-up (configuration, or the database through /admin/sign-in) builds a new one when
/// it changes.</summary>
public sealed class SsoSettings
{
    public SsoSettings(IConfiguration configuration, ILogger<SsoSettings> log)
        : this(configuration.GetSection("Sso:CustomAttributes").Get<string[]>() ?? [],
            configuration.GetSection("Sso:GroupRoles").GetChildren().Select(e => KeyValuePair.Create(e.Key, e.Value)),
            new ProductNames(configuration["Sso:Connect:Name"], configuration["Sso:Oidc:DisplayName"] ?? configuration["Sso:Oidc:Name"],
                configuration["Sso:ProductName"]),
            log)
    {
    }

    public SsoSettings(IEnumerable<string> customAttributes, IEnumerable<KeyValuePair<string, string?>> groupRoles, ProductNames names,
        ILogger log)
    {
        _names = names;
        CustomAttributes = customAttributes
            .Select(k => k.Trim()).Where(k => k.Length is > 0 and <= ProductProfileRules.CustomKeyMax)
            .ToHashSet(StringComparer.Ordinal);
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in groupRoles)
        {
            // A typo must not silently grant nothing (or something else): unknown roles are named in the log and skipped.
            var role = Roles.All.FirstOrDefault(r => string.Equals(r, entry.Value?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (role is null) log.UnknownRole(entry.Key);
            else map[entry.Key] = role;
        }
        GroupRoles = map;
        MappedRoles = map.Values.ToHashSet(StringComparer.Ordinal);
    }

    private readonly ProductNames _names;

    /// <summary>Custom attribute keys the admin chose to keep (Sso:CustomAttributes); others are dropped.</summary>
    public IReadOnlySet<string> CustomAttributes { get; }

    /// <summary>Provider group → role (Sso:GroupRoles), group names compared without case.</summary>
    public IReadOnlyDictionary<string, string> GroupRoles { get; }

    /// <summary>The only roles sign-in and sync may add or remove.</summary>
    public IReadOnlySet<string> MappedRoles { get; }

    /// <summary>The product's name as members know it, for buttons, notices and error pages.</summary>
    public string ProductName(ProductSource source) => (source switch
    {
        ProductSource.Connect => _names.Connect,
        ProductSource.Oidc => _names.Oidc,
        _ => null,
    } ?? _names.Product ?? _names.Connect ?? _names.Oidc ?? "your product").Trim();
}

/// <summary>The product's name per way in (Connect, OpenID Connect) and the general one (Sso:ProductName).</summary>
public sealed record ProductNames(string? Connect, string? Oidc, string? Product);
