namespace Community.Web.Infrastructure.Pages;

public sealed class SiteOptions
{
    public const string Section = "Site";

    public string Name { get; set; } = "Community";
    public string Tagline { get; set; } = "Ask questions, share what works, and get rewarded for bringing friends.";
    /// <summary>Absolute base URL for canonical links, feeds and emails. Empty: taken from the request.</summary>
    public string PublicBaseUrl { get; set; } = "";
}
