using System.Collections.Frozen;
using Microsoft.AspNetCore.StaticAssets;

namespace Community.Web.Infrastructure.Pages;

/// <summary>Maps a wwwroot path (css/site.css) to the fingerprinted URL MapStaticAssets serves with an immutable cache header.</summary>
public sealed class AssetUrls(EndpointDataSource endpoints)
{
    private FrozenDictionary<string, string>? _map;

    public string Get(string path)
    {
        var key = path.TrimStart('/');
        return Map.TryGetValue(key, out var url) ? url : "/" + key;
    }

    private FrozenDictionary<string, string> Map => _map ??= Build();

    private FrozenDictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not { } d || d.Selectors.Count > 0) continue;
            var label = d.Properties.FirstOrDefault(p => p.Name == "label")?.Value;
            if (label is not null && d.Properties.Any(p => p.Name == "fingerprint")) map[label] = "/" + d.Route;
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

public static class ImmutableAssets
{
    /// <summary>
    /// Fingerprinted asset URLs never change content, so browsers may keep them for a year. MapStaticAssets only
    /// says so from a published manifest; this sets it for build manifests too (dotnet run, tests).
    /// </summary>
    public static IApplicationBuilder UseImmutableFingerprintedAssets(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is { } d
            && d.Properties.FirstOrDefault(p => p.Name == "fingerprint")?.Value is { } fingerprint
            && d.Route.Contains(fingerprint, StringComparison.Ordinal))
        {
            context.Response.OnStarting(() =>
            {
                if (context.Response.StatusCode is 200 or 304) context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                return Task.CompletedTask;
            });
        }
        return next(context);
    });
}
