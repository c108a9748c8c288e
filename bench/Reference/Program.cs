using System.Collections.Concurrent;

// A minimal ASP.NET Core app on the same machine, runtime and server (Kestrel) as Community: PUT stores a response
// (bytes, content type, content encoding) under a path, GET serves it. Ratios against it cancel out the machine's speed.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
var app = builder.Build();
var stored = new ConcurrentDictionary<string, Stored>(StringComparer.Ordinal);

app.MapPut("/__bytes/{**path}", async (string path, HttpRequest request) =>
{
    using var body = new MemoryStream();
    await request.Body.CopyToAsync(body);
    stored[path] = new Stored(body.ToArray(), request.ContentType ?? "application/octet-stream", request.Headers["X-Content-Encoding"].ToString());
    return Results.NoContent();
});
app.MapGet("/{**path}", (string? path, HttpResponse response) =>
{
    if (!stored.TryGetValue(path ?? "", out var s)) return Results.NotFound();
    if (s.Encoding.Length > 0) response.Headers.ContentEncoding = s.Encoding;
    return Results.Bytes(s.Bytes, s.ContentType);
});
await app.RunAsync();

internal sealed record Stored(byte[] Bytes, string ContentType, string Encoding);
