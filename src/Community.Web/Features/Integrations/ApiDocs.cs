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
            .WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }
}
