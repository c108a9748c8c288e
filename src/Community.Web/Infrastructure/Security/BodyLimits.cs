using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Community.Web.Infrastructure.Security;

/// <summary>Raises the request body limit for one endpoint (uploads); everything else under /api gets the small default.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class BodyLimitAttribute(long bytes) : Attribute
{
    public long Bytes { get; } = bytes;
}

public static class BodyLimits
{
    /// <summary>JSON bodies: a 64 KiB post in UTF-8 with escaping fits comfortably.</summary>
    public const long DefaultApiBytes = 512 * 1024;

    public static IApplicationBuilder UseApiBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.IsApi())
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<BodyLimitAttribute>()?.Bytes ?? DefaultApiBytes;
            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await Results.Problem($"The request body is larger than {limit / 1024} KiB.", statusCode: 413, title: "Payload too large").ExecuteAsync(context);
                return;
            }
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        }
        await next(context);
    });
}
