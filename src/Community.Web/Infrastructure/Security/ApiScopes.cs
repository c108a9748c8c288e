using System.Security.Cryptography;
using System.Text;

namespace Community.Web.Infrastructure.Security;

/// <summary>What an integration API key may do. Every <c>/api</c> endpoint usable by integrations declares one.</summary>
public static class ApiScopes
{
    public const string EventsWrite = "events:write";
    public const string MembersRead = "members:read";
    public const string MembersWrite = "members:write";
    public const string ForumsRead = "forums:read";
    public const string ReferralsRead = "referrals:read";
    public const string WebhooksManage = "webhooks:manage";

    public static readonly IReadOnlyList<string> All = [EventsWrite, MembersRead, MembersWrite, ForumsRead, ReferralsRead, WebhooksManage];

    /// <summary>The OpenAPI security scheme name for <c>Authorization: Bearer &lt;secret&gt;</c>.</summary>
    public const string BearerScheme = "apiKey";

    /// <summary>The SHA-256 (lower-case hex) under which a key's secret is stored and looked up.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>The integration that called, once its key was verified.</summary>
public sealed record ApiCaller(string KeyId, string Name, IReadOnlySet<string> Scopes);

/// <summary>Finds the live (not revoked) key whose secret hashes to <paramref name="secretHash"/>.</summary>
public interface IApiKeyLookup
{
    ValueTask<ApiCaller?> FindBySecretHashAsync(string secretHash, CancellationToken ct);
}

/// <summary>Declares an endpoint's scope: metadata for the OpenAPI document, and a filter that answers 401 without a valid
/// <c>Authorization: Bearer</c> key and 403 when the key lacks the scope. The caller is in <c>HttpContext.Items</c>.</summary>
public sealed record ApiScopeRequirement(string Scope);

public static class ApiScopeEndpoints
{
    public const string CallerItem = "Community.ApiCaller";

    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ApiScopeRequirement(scope));
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length is < 12 or > 300)
                return Problems.Problems.Unauthorized("Send an API key as 'Authorization: Bearer <secret>'.");
            var lookup = http.RequestServices.GetRequiredService<IApiKeyLookup>();
            var caller = await lookup.FindBySecretHashAsync(ApiScopes.Hash(header[7..].Trim()), http.RequestAborted);
            if (caller is null) return Problems.Problems.Unauthorized("Unknown or revoked API key.");
            if (!caller.Scopes.Contains(scope)) return Problems.Problems.Forbidden($"This API key lacks the '{scope}' scope.");
            http.Items[CallerItem] = caller;
            return await next(context);
        });
        return builder;
    }

    public static ApiCaller? ApiCaller(this HttpContext http) => http.Items.TryGetValue(CallerItem, out var c) ? c as ApiCaller : null;
}
