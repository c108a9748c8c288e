using System.Security.Claims;
using Community.Media;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Media;

public sealed record RenditionDto(string Url, int Width, int Height, string ContentType);

/// <summary>An uploaded image: its id for story fields, renditions, placeholder, Markdown to paste and ready &lt;picture&gt; markup.</summary>
public sealed record MediaDto(
    string Id, int Width, int Height, string Placeholder, IReadOnlyList<RenditionDto> Renditions, string Markdown, string Picture)
{
    public static MediaDto From(MediaImageView v) => new(
        v.Id, v.Width, v.Height, v.Placeholder,
        v.Renditions.Select(r => new RenditionDto(r.Url, r.Width, r.Height, r.ContentType)).ToList(),
        $"![]({v.Near(1024).Url})",
        Pictures.Render(v, ""));
}

/// <summary>Uploads (story images for publishers, avatars for everyone signed in) and the content-addressed file server.</summary>
internal static class MediaEndpoints
{
    public const long UploadLimit = 12 * 1024 * 1024;

    public static void MapMedia(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/media", UploadStoryImage).WithTags("Media").RequireAuthorization(Policies.Publish)
            .WithMetadata(new BodyLimitAttribute(UploadLimit));
        app.MapPost("/api/me/avatar", UploadAvatar).WithTags("Account").RequireAuthorization()
            .WithMetadata(new BodyLimitAttribute(UploadLimit));
        app.MapGet("/media/{name}", Serve).ExcludeFromDescription();
    }

    private static async Task<(byte[]? Bytes, ProblemHttpResult? Problem)> ReadUploadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType) return (null, Problems.BadRequest("Send the image as multipart/form-data in a field named 'file'."));
        var form = await request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        if (file is null || file.Length == 0) return (null, Problems.BadRequest("Choose an image file to upload."));
        using var buffer = new MemoryStream((int)Math.Min(file.Length, UploadLimit));
        await file.CopyToAsync(buffer, ct);
        return (buffer.ToArray(), null);
    }

    private static ProblemHttpResult Rejected(ImageRejectedException e) => TypedResults.Problem(
        e.Message, statusCode: e.StatusCode, title: e.StatusCode == 413 ? "Image too large" : "Image not accepted",
        extensions: new Dictionary<string, object?> { ["reason"] = e.Reason.ToString() });

    private static async Task<Results<Created<MediaDto>, ProblemHttpResult>> UploadStoryImage(
        HttpRequest request, ClaimsPrincipal user, UserManager<Member> users, MediaLibrary library, Infrastructure.Live.ICacheSignals signals,
        CancellationToken ct)
    {
        var (bytes, problem) = await ReadUploadAsync(request, ct);
        if (problem is not null) return problem;
        try
        {
            var view = await library.AddAsync(bytes!, ImageKind.Story, users.GetUserId(user), ct);
            return TypedResults.Created($"/media/{view.Near(1024).Name}", MediaDto.From(view));
        }
        catch (ImageRejectedException e)
        {
            return Rejected(e);
        }
    }

    private static async Task<Results<Ok<MediaDto>, ProblemHttpResult>> UploadAvatar(
        HttpRequest request, ClaimsPrincipal user, UserManager<Member> users, MediaLibrary library, Infrastructure.Live.ICacheSignals signals,
        CancellationToken ct)
    {
        var member = await users.GetUserAsync(user);
        if (member is null) return Problems.Unauthorized();
        var (bytes, problem) = await ReadUploadAsync(request, ct);
        if (problem is not null) return problem;
        try
        {
            var view = await library.AddAsync(bytes!, ImageKind.Avatar, member.Id, ct);
            member.AvatarUrl = view.Largest(ImagePipeline.WebPContentType).Url;
            await users.UpdateAsync(member);
            signals.Publish(MemberCardSignals.Topic, member.Id);
            return TypedResults.Ok(MediaDto.From(view));
        }
        catch (ImageRejectedException e)
        {
            return Rejected(e);
        }
    }

    private static IResult Serve(string name, MediaLibrary library, HttpContext http)
    {
        if (!MediaStore.IsValidName(name) || !library.Store.Exists(name)) return Results.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        var type = Path.GetExtension(name) switch
        {
            ".webp" => "image/webp",
            ".jpg" => "image/jpeg",
            ".png" => "image/png",
            _ => "image/gif",
        };
        // The name is the hash of the bytes, so it is a perfect validator.
        return Results.Stream(library.Store.Open(name), type,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue("\"" + name[..32] + "\""));
    }
}
