namespace Community.Web.Infrastructure;

/// <summary>
/// Where <c>data/</c> and <c>content/</c> live. <c>AppRoot</c> in configuration wins; otherwise, when running
/// from a source checkout (src/Community.Web inside a folder holding Community.sln), the checkout root;
/// otherwise the content root (a published deployment).
/// </summary>
public static class AppRoot
{
    public static string Resolve(IConfiguration configuration, string contentRoot)
    {
        if (configuration["AppRoot"] is { Length: > 0 } configured) return Path.GetFullPath(configured, contentRoot);
        var dir = new DirectoryInfo(contentRoot);
        for (var i = 0; i < 3 && dir is not null; i++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Community.sln"))) return dir.FullName;
        }
        return contentRoot;
    }
}
