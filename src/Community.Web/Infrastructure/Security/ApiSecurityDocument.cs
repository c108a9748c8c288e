using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Community.Web.Infrastructure.Security;

/// <summary>Marks an endpoint authenticated by the HMAC signature headers of the events API instead of a bearer key.</summary>
public sealed record SignedRequestRequirement;

/// <summary>
/// Declares in the OpenAPI document how integrations authenticate: the bearer API key (with the scopes keys can hold) and the
/// HMAC-signed request headers; each endpoint that declares a scope (<see cref="ApiScopeRequirement"/>) gets its requirement.
/// </summary>
public static class ApiSecurityDocument
{
    public const string SignatureScheme = "signature";
    public const string KeyIdScheme = "signatureKeyId";

    private static readonly Dictionary<string, string> ScopeMeanings = new(StringComparer.Ordinal)
    {
        [ApiScopes.EventsWrite] = "report sign-ups, payments, refunds and chargebacks (POST /api/referrals/events)",
        [ApiScopes.MembersRead] = "list members with their product ids, plan and account (never emails or security data)",
        [ApiScopes.MembersWrite] = "create, update and deactivate members from the product",
        [ApiScopes.ForumsRead] = "list threads in public categories",
        [ApiScopes.ReferralsRead] = "list referrals and their outcomes",
        [ApiScopes.WebhooksManage] = "manage webhook endpoints",
    };

    public static OpenApiOptions AddApiSecurity(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes[ApiScopes.BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer",
                Description = "An API key created by an admin (Referral program › API keys): `Authorization: Bearer <secret>`. " +
                    "A key holds scopes; an endpoint answers 403 when the key lacks its scope. Scopes:\n" +
                    string.Join('\n', ApiScopes.All.Select(s => $"- `{s}`: {ScopeMeanings.GetValueOrDefault(s, s)}")),
            };
            document.Components.SecuritySchemes[KeyIdScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Community-Key",
                Description = "The id of an API key holding `events:write` (rk_…).",
            };
            document.Components.SecuritySchemes[SignatureScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Community-Signature",
                Description = "`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>`, within 5 minutes of the server's clock.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var scope = metadata.OfType<ApiScopeRequirement>().LastOrDefault()?.Scope;
            if (scope is null) return Task.CompletedTask;
            var document = context.Document;
            var requirement = new OpenApiSecurityRequirement();
            if (metadata.OfType<SignedRequestRequirement>().Any())
            {
                requirement[new OpenApiSecuritySchemeReference(KeyIdScheme, document)] = [scope];
                requirement[new OpenApiSecuritySchemeReference(SignatureScheme, document)] = [scope];
            }
            else requirement[new OpenApiSecuritySchemeReference(ApiScopes.BearerScheme, document)] = [scope];
            operation.Security = [requirement];
            operation.Description = $"Requires an API key with the `{scope}` scope." +
                (string.IsNullOrEmpty(operation.Description) ? "" : "\n\n" + operation.Description);
            return Task.CompletedTask;
        });
        return options;
    }
}
