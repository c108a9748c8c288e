using Scalar.AspNetCore;

namespace Community.Web.Features.Integrations;

/// <summary>/api/docs: the OpenAPI document as a browsable page (Scalar, its script served by this app, never a CDN).</summary>
public static class ApiDocs
{
    public const string Path = "/api/docs";

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference(Path, options => options
            .WithTitle("Community API")
            .WithNonce() // per request; SecurityHeaders allows that one inline script on this path only
            .DisableDefaultFonts() // they come from Scalar's CDN
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }
}
