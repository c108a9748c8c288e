namespace Community.Web.Infrastructure.Problems;

/// <summary>Typed ProblemDetails answers with consistent titles.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string detail = "Not found.") => TypedResults.Problem(detail, statusCode: 404, title: "Not found");
    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: 409, title: "Conflict", extensions: extensions);
    public static ProblemHttpResult Forbidden(string detail = "You are not allowed to do that.") =>
        TypedResults.Problem(detail, statusCode: 403, title: "Forbidden");
    public static ProblemHttpResult Unauthorized(string detail = "Sign in to continue.") =>
        TypedResults.Problem(detail, statusCode: 401, title: "Unauthorized");
    public static ProblemHttpResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: 400, title: "Bad request", extensions: extensions);
    public static ProblemHttpResult PayloadTooLarge(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: 413, title: "Payload too large", extensions: extensions);
    public static ProblemHttpResult TooMany(string detail) => TypedResults.Problem(detail, statusCode: 429, title: "Too many requests");

    /// <summary>A 429 that says when to try again: <c>retryAfterSeconds</c> in the body, and the <c>Retry-After</c> header
    /// (added where problems are written, see ProblemSetup).</summary>
    public static ProblemHttpResult TooMany(string detail, int retryAfterSeconds) => TypedResults.Problem(detail, statusCode: 429,
        title: "Too many requests", extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { [RetryAfterSeconds] = retryAfterSeconds });

    public const string RetryAfterSeconds = "retryAfterSeconds";

    /// <summary>Writes a 503 that says when to try again (<c>retryAfterSeconds</c> and the <c>Retry-After</c> header), from middleware
    /// that answers before any endpoint runs (a stopping server, a connection over the ceiling).</summary>
    public static Task WriteUnavailableAsync(HttpContext context, string detail, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { [RetryAfterSeconds] = retryAfterSeconds }).ExecuteAsync(context);
    }
}
