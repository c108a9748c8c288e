namespace Community.Web.Features.Accounts.Product;

/// <summary>The admin's choices for product identity: which custom attributes are kept and which provider groups grant roles.</summary>
public sealed class SsoSettings
{
    public SsoSettings(IConfiguration configuration, ILogger<SsoSettings> log)
    {
        _configuration = configuration;
        CustomAttributes = (configuration.GetSection("Sso:CustomAttributes").Get<string[]>() ?? [])
            .Select(k => k.Trim()).Where(k => k.Length is > 0 and <= ProductProfileRules.CustomKeyMax)
            .ToHashSet(StringComparer.Ordinal);
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection("Sso:GroupRoles").GetChildren())
        {
            // A typo must not silently grant nothing (or something else): unknown roles are named in the log and skipped.
            var role = Roles.All.FirstOrDefault(r => string.Equals(r, entry.Value?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (role is null) log.UnknownRole(entry.Key);
            else map[entry.Key] = role;
        }
        GroupRoles = map;
        MappedRoles = map.Values.ToHashSet(StringComparer.Ordinal);
    }

    private readonly IConfiguration _configuration;

    /// <summary>Custom attribute keys the admin chose to keep (Sso:CustomAttributes); others are dropped.</summary>
    public IReadOnlySet<string> CustomAttributes { get; }

    /// <summary>Provider group → role (Sso:GroupRoles), group names compared without case.</summary>
    public IReadOnlyDictionary<string, string> GroupRoles { get; }

    /// <summary>The only roles sign-in and sync may add or remove.</summary>
    public IReadOnlySet<string> MappedRoles { get; }

    /// <summary>The product's name as members know it, for buttons, notices and error pages.</summary>
    public string ProductName(ProductSource source) => (source switch
    {
        ProductSource.Connect => _configuration["Sso:Connect:Name"],
        ProductSource.Oidc => _configuration["Sso:Oidc:DisplayName"] ?? _configuration["Sso:Oidc:Name"],
        _ => null,
    } ?? _configuration["Sso:ProductName"] ?? _configuration["Sso:Connect:Name"] ?? _configuration["Sso:Oidc:Name"] ?? "your product").Trim();
}
