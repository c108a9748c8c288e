using System.Globalization;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Demo;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Markdown;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

public static class ForumsModule
{
    public static IServiceCollection AddForums(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ForumOptions.Section).Get<ForumOptions>() ?? new ForumOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        services.AddSingleton<ForumReader>();
        services.AddSingleton<MemberThreadStates>();
        services.AddSingleton<SearchCache>();
        services.AddSingleton<PostingLimiter>();
        services.AddSingleton<ForumWriteGate>();
        services.AddSingleton<IThreadPresence, InMemoryThreadPresence>();
        services.AddSingleton<ForumLiveAccess>();
        services.AddSingleton<ILiveAccessCheck>(sp => sp.GetRequiredService<ForumLiveAccess>());
        services.AddSingleton<IServerSignalHandler>(sp => sp.GetRequiredService<ForumLiveAccess>());
        services.AddHostedService<ViewerCountBroadcaster>();
        if (database.IsPostgres) services.AddSingleton<IForumSearch, PostgresForumSearch>();
        else services.AddSingleton<IForumSearch, SqliteForumSearch>();
        services.AddScoped<ForumWriter>();
        services.AddScoped<ForumQueries>();
        services.AddScoped<Moderation>();
        services.AddScoped<ForumPages>();
        services.AddScoped<CategoryAdmin>();
        services.AddScoped<IDemoContent, ForumDemoContent>();
        services.AddScoped<IMemberDataSection, ForumMemberData>();
        services.AddSingleton<Infrastructure.Pages.ISitemapSource, ForumSitemapSource>();
        services.Configure<HubOptions<LiveHub>>(o => o.AddFilter<PresenceHubFilter>());
        services.AddSingleton<PresenceHubFilter>();
        return services;
    }

    public static IEndpointRouteBuilder MapForums(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Forums").AddEndpointFilter<ForumProblemFilter>();

        api.MapGet("/categories", async (HttpContext http, ForumQueries q, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(http.User);
            if (!viewer.SignedIn) return (IResult)Json(await q.AnonymousCategoriesAsync(ct));
            return TypedResults.Ok(await q.CategoriesAsync(viewer, ct));
        });
        api.MapGet("/categories/{slug}", async Task<Results<Ok<CategoryDto>, ProblemHttpResult>> (string slug, HttpContext http, ForumQueries q, CancellationToken ct) =>
        {
            var found = (await q.CategoriesAsync(ForumViewer.From(http.User), ct)).FirstOrDefault(c => string.Equals(c.Slug, slug, StringComparison.OrdinalIgnoreCase));
            return found is null ? Infrastructure.Problems.Problems.NotFound("No such category, or you cannot see it.") : TypedResults.Ok(found);
        });
        api.MapGet("/categories/{slug}/threads", async Task<Results<Ok<List<ThreadSummary>>, ProblemHttpResult>> (string slug, int? page, HttpContext http,
            ForumReader reader, ForumQueries q, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(http.User);
            var category = await reader.CategoryBySlugAsync(slug, ct);
            if (category is null || !viewer.CanRead(category)) return Infrastructure.Problems.Problems.NotFound("No such category, or you cannot see it.");
            var (threads, more) = await q.ThreadsAsync(viewer, category, page ?? 1, ct);
            // RFC 8288: the client shows "Show more threads" only when there is a next page.
            var next = $"/api/categories/{Uri.EscapeDataString(category.Slug)}/threads?page={(page ?? 1) + 1}";
            if (more) http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
            return TypedResults.Ok(threads);
        });
        api.MapPost("/categories", async Task<Results<Created<CategoryDto>, ProblemHttpResult, ValidationProblem>> (CategoryRequest request, CategoryAdmin admin, CancellationToken ct) =>
        {
            var created = await admin.CreateAsync(request, ct);
            return TypedResults.Created($"/c/{created.Slug}", created);
        }).RequireAuthorization(Policies.Administer);
        api.MapPatch("/categories/{id:int}", async Task<Results<Ok<CategoryDto>, ProblemHttpResult, ValidationProblem>> (int id, CategoryRequest request, CategoryAdmin admin, CancellationToken ct) =>
            TypedResults.Ok(await admin.UpdateAsync(id, request, ct))).RequireAuthorization(Policies.Administer);

        api.MapGet("/threads/{id:long}", async Task<Results<Ok<ThreadDto>, ProblemHttpResult>> (long id, HttpContext http, ForumReader reader, CancellationToken ct) =>
            await reader.ThreadAsync(id, ForumViewer.From(http.User), ct) is { } found ? TypedResults.Ok(found.Thread) : NotFound());
        api.MapGet("/threads/{id:long}/posts", async (long id, int? after, int? before, int? limit, HttpContext http, ForumReader reader, CommunityDb db, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(http.User);
            if (await reader.ThreadAsync(id, viewer, ct) is null) return (IResult)NotFound();
            var size = Math.Clamp(limit ?? reader.Options.WindowSize, 1, 100);
            if (!viewer.IsModerator) return Json(await reader.WindowBytesAsync(id, after, before, size, ct));
            // Moderators also see what hidden posts said.
            var window = await reader.WindowAsync(id, after, before, size, ct);
            var hidden = window.Posts.Where(p => p.Hidden && !p.Deleted).Select(p => p.Id).ToList();
            if (hidden.Count == 0) return TypedResults.Ok(window);
            var html = await db.Set<ForumPost>().AsNoTracking().Where(p => hidden.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Html, ct);
            return TypedResults.Ok(window with { Posts = [.. window.Posts.Select(p => html.TryGetValue(p.Id, out var h) ? p with { Html = h } : p)] });
        });
        // Called once per thread view: every reaction of the member in the thread, from memory after the first call.
        api.MapGet("/threads/{id:long}/me", async Task<Results<Ok<ViewerState>, ProblemHttpResult>> (long id, HttpContext http, ForumReader reader,
            MemberThreadStates states, CancellationToken ct) =>
        {
            var viewer = ForumViewer.From(http.User);
            if (await reader.ThreadAsync(id, viewer, ct) is not { } found) return NotFound();
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(await states.GetAsync(viewer, found.Thread, http.User.Identity?.Name, ct));
        });
        api.MapGet("/posts/{id:long}/revisions", async (long id, HttpContext http, Moderation m, CancellationToken ct) =>
            TypedResults.Ok(await m.RevisionsAsync(ForumViewer.From(http.User), id, ct)));
        api.MapSearch();
        api.MapGet("/activity", async (ForumQueries q, CancellationToken ct) => Json(await q.ActivityAsync(ct)));

        var member = api.MapGroup("").RequireAuthorization();
        member.MapPost("/threads", async Task<Results<Created<CreatedThread>, ProblemHttpResult, ValidationProblem>> (CreateThreadRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            var created = await w.CreateThreadAsync(ForumViewer.From(http.User), request, ct);
            return TypedResults.Created(created.Thread.Url, created);
        });
        member.MapPost("/threads/{id:long}/posts", async Task<Results<Created<PostDto>, ProblemHttpResult, ValidationProblem>> (long id, PostBodyRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            var post = await w.ReplyAsync(ForumViewer.From(http.User), id, request, ct);
            return TypedResults.Created($"/api/threads/{id}/posts?after={post.Seq - 1}&limit=1", post);
        });
        member.MapPatch("/threads/{id:long}", async (long id, ThreadPatchRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
            TypedResults.Ok(await w.PatchThreadAsync(ForumViewer.From(http.User), id, request, ct)));
        member.MapDelete("/threads/{id:long}", async (long id, string? reason, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            await w.DeleteThreadAsync(ForumViewer.From(http.User), id, reason, ct);
            return TypedResults.NoContent();
        });
        member.MapPost("/threads/{id:long}/accept", async (long id, AcceptRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            if (request.Seq is null) throw ForumProblemException.Invalid(new Infrastructure.Problems.FieldErrors().Add("seq", "Pick a reply."));
            return TypedResults.Ok(await w.AcceptAsync(ForumViewer.From(http.User), id, request.Seq, ct));
        });
        member.MapDelete("/threads/{id:long}/accept", async (long id, HttpContext http, ForumWriter w, CancellationToken ct) =>
            TypedResults.Ok(await w.AcceptAsync(ForumViewer.From(http.User), id, null, ct)));
        member.MapPut("/threads/{id:long}/read", async (long id, ReadRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            await w.MarkReadAsync(ForumViewer.From(http.User), id, request.Seq ?? 0, ct);
            return TypedResults.NoContent();
        });
        member.MapPut("/threads/{id:long}/watch", async (long id, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            await w.SetWatchAsync(ForumViewer.From(http.User), id, true, ct);
            return TypedResults.NoContent();
        });
        member.MapDelete("/threads/{id:long}/watch", async (long id, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            await w.SetWatchAsync(ForumViewer.From(http.User), id, false, ct);
            return TypedResults.NoContent();
        });
        member.MapPut("/posts/{id:long}", async (long id, PostBodyRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
            TypedResults.Ok(await w.EditAsync(ForumViewer.From(http.User), id, request, ct)));
        member.MapGet("/posts/{id:long}/source", async (long id, HttpContext http, Moderation m, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(await m.SourceAsync(ForumViewer.From(http.User), id, ct));
        });
        member.MapDelete("/posts/{id:long}", async (long id, HttpContext http, ForumWriter w, CancellationToken ct) =>
        {
            await w.DeletePostAsync(ForumViewer.From(http.User), id, ct);
            return TypedResults.NoContent();
        });
        member.MapPost("/posts/{id:long}/reactions", async (long id, ReactionRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
            TypedResults.Created($"/api/posts/{id}/reactions/{request.Kind}", await w.ReactAsync(ForumViewer.From(http.User), id, request.Kind, add: true, ct)));
        member.MapDelete("/posts/{id:long}/reactions/{kind}", async (long id, string kind, HttpContext http, ForumWriter w, CancellationToken ct) =>
            TypedResults.Ok(await w.ReactAsync(ForumViewer.From(http.User), id, kind, add: false, ct)));
        member.MapPost("/posts/{id:long}/flags", async (long id, FlagRequest request, HttpContext http, Moderation m, CancellationToken ct) =>
            TypedResults.Created($"/api/mod/flags", await m.FlagAsync(ForumViewer.From(http.User), id, request, ct)));
        member.MapGet("/notifications", async (HttpContext http, ForumQueries q, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(await q.NotificationsAsync(ForumViewer.From(http.User), ct));
        });
        member.MapPost("/notifications/read", async (NotificationsReadRequest request, HttpContext http, ForumQueries q, CancellationToken ct) =>
        {
            await q.MarkNotificationsReadAsync(ForumViewer.From(http.User).MemberId!, request.Ids, ct);
            return TypedResults.NoContent();
        });

        var mod = api.MapGroup("").RequireAuthorization(Policies.Moderate);
        mod.MapPost("/posts/{id:long}/hide", async (long id, ReasonRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
            TypedResults.Ok(await w.SetHiddenAsync(ForumViewer.From(http.User), id, true, request.Reason, ct)));
        mod.MapPost("/posts/{id:long}/unhide", async (long id, ReasonRequest request, HttpContext http, ForumWriter w, CancellationToken ct) =>
            TypedResults.Ok(await w.SetHiddenAsync(ForumViewer.From(http.User), id, false, request.Reason, ct)));
        mod.MapGet("/mod/flags", async (HttpContext http, Moderation m, CancellationToken ct) =>
            TypedResults.Ok(await m.FlagsAsync(ForumViewer.From(http.User), ct)));
        mod.MapGet("/mod/flags/open-count", async (HttpContext http, Moderation m, CancellationToken ct) =>
            TypedResults.Ok(new OpenFlagCount(await m.OpenFlagCountAsync(ForumViewer.From(http.User), ct))));
        mod.MapPost("/mod/flags/resolve", async (ResolveFlagsRequest request, HttpContext http, Moderation m, CancellationToken ct) =>
            TypedResults.Ok(new { resolved = await m.ResolveAsync(ForumViewer.From(http.User), request, ct) }));
        mod.MapGet("/mod/audit", async (Moderation m, CancellationToken ct) => TypedResults.Ok(await m.AuditAsync(ct)));
        mod.MapGet("/mod/sanctions", async (Moderation m, CancellationToken ct) => TypedResults.Ok(await m.SanctionsAsync(ct)));
        mod.MapPost("/mod/members/{userName}/sanctions", async (string userName, SanctionRequest request, HttpContext http, Moderation m, CancellationToken ct) =>
            TypedResults.Created("/api/mod/sanctions", await m.SanctionAsync(ForumViewer.From(http.User), userName, request, ct)));
        mod.MapDelete("/mod/sanctions/{id:long}", async (long id, HttpContext http, Moderation m, CancellationToken ct) =>
        {
            await m.LiftAsync(ForumViewer.From(http.User), id, ct);
            return TypedResults.NoContent();
        });

        app.MapForumPages();
        return app;
    }

    private static ProblemHttpResult NotFound() => Infrastructure.Problems.Problems.NotFound("No such thread, or you cannot see it.");

    private static FileContentHttpResult Json(byte[] utf8) => TypedResults.Bytes(utf8, "application/json; charset=utf-8");
}

public sealed record NotificationsReadRequest(IReadOnlyList<long>? Ids);

/// <summary>Turns <see cref="ForumProblemException"/> and refused Markdown into RFC 9457 answers.</summary>
internal sealed class ForumProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ForumProblemException p)
        {
            var extensions = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (p.RetryAfterSeconds is { } seconds)
            {
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                extensions["retryAfterSeconds"] = seconds;
            }
            if (p.Errors is { } errors) return TypedResults.ValidationProblem(errors, p.Message, title: "The request has invalid fields.");
            return TypedResults.Problem(p.Message, statusCode: p.Status, title: Title(p.Status), extensions: extensions);
        }
        catch (MarkdownRejectedException m)
        {
            return TypedResults.Problem(m.Message, statusCode: m.Status, title: Title(m.Status),
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["body"] = [m.Message] } });
        }
    }

    private static string Title(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Payload too large",
        429 => "Too many requests",
        _ => "Error",
    };
}
