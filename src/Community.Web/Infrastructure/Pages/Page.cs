namespace Community.Web.Infrastructure.Pages;

/// <summary>One HTML page to render inside the site layout. Body and head are trusted HTML built by the server.</summary>
public sealed record Page
{
    public required string Title { get; init; }
    public string Description { get; init; } = "";
    public required string Body { get; init; }
    /// <summary>Extra head markup (meta tags, JSON-LD) — must already be encoded.</summary>
    public string Head { get; init; } = "";
    /// <summary>ES module entry points under wwwroot, e.g. js/pages/signin.js.</summary>
    public IReadOnlyList<string> Scripts { get; init; } = [];
    /// <summary>Stable identifier placed on &lt;body data-page&gt; so the nav can mark the current section.</summary>
    public string Name { get; init; } = "";
}
