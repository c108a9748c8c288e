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
