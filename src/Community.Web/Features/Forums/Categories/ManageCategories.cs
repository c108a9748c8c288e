using System.Text.RegularExpressions;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>POST /api/categories and PATCH /api/categories/{id}: admins create, order and describe categories, make them
/// private to roles and customer segments (plans, product accounts) and choose which are Q&amp;A.</summary>
public static partial class ManageCategories
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/categories", async Task<Results<Created<CategoryDto>, ProblemHttpResult, ValidationProblem>> (
            CategoryRequest request, Handler handler, CancellationToken ct) =>
        {
            var result = await handler.SaveAsync(null, request, ct);
            return result.Result switch
            {
                Ok<CategoryDto> { Value: { } created } => TypedResults.Created($"/c/{created.Slug}", created),
                ValidationProblem invalid => invalid,
                var other => (ProblemHttpResult)other,
            };
        }).RequireAuthorization(Policies.Administer);
        api.MapPatch("/categories/{id:int}", (int id, CategoryRequest request, Handler handler, CancellationToken ct) => handler.SaveAsync(id,
            request, ct))
            .RequireAuthorization(Policies.Administer);
    }

    public sealed class Handler(CommunityDb db, ForumReader reader, ForumQueries queries, ILiveBus bus)
    {
        /// <summary>Creates a category (no id) or changes one.</summary>
        public async Task<Results<Ok<CategoryDto>, ProblemHttpResult, ValidationProblem>> SaveAsync(int? id, CategoryRequest request,
            CancellationToken ct)
        {
            var category = id is { } existing ? await db.Set<ForumCategory>().FirstOrDefaultAsync(c => c.Id == existing, ct) : new ForumCategory();
            if (category is null) return ForumProblems.NotFound("category");
            var creating = id is null;
            var errors = new FieldErrors();
            if (creating || request.Name is not null) errors.Text("name", request.Name, 2, 80, "Name");
            if (request.Description is not null) errors.Text("description", request.Description, 0, 500, "Description");
            var slug = request.Slug?.Trim().ToLowerInvariant() ?? (creating ? ForumWrites.Slugify(request.Name ?? "") : null);
            if (slug is not null)
            {
                if (!SlugPattern().IsMatch(slug)) errors.Add("slug", "Use 2–80 lower-case letters, digits and hyphens.");
                else if (await db.Set<ForumCategory>().AnyAsync(c => c.Slug == slug && c.Id != category.Id, ct)) errors.Add("slug",
                    "Another category uses that slug.");
            }
            var roles = request.ReadRoles?.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (roles?.FirstOrDefault(r => !Roles.All.Contains(r)) is { } bad) errors.Add("readRoles",
                $"Unknown role {bad}. Roles are {string.Join(", ", Roles.All)}.");
            var plans = CategorySegmentRules.Clean(request.ReadPlans, "readPlans", CategorySegmentRules.PlanLength,
                CategorySegmentRules.PlansMax, errors, StringComparer.OrdinalIgnoreCase);
            var accounts = CategorySegmentRules.Clean(request.ReadAccounts, "readAccounts", CategorySegmentRules.AccountLength,
                CategorySegmentRules.AccountsMax, errors, StringComparer.Ordinal);
            var kind = request.Kind?.Trim().ToLowerInvariant();
            if (kind is not null && !CategoryKinds.All.Contains(kind)) errors.Add("kind", $"Choose one of: {string.Join(", ", CategoryKinds.All)}.");
            if (errors.Any) return errors.ToProblem();
            if (request.Name is not null) category.Name = request.Name.Trim();
            if (slug is not null) category.Slug = slug;
            if (request.Description is not null) category.Description = request.Description.Trim();
            if (request.Position is { } position) category.Position = position;
            if (request.IsQa is { } qa) category.IsQa = qa;
            if (kind is not null) category.Kind = kind;
            if (roles is not null) category.ReadRoles = roles.Count == 0 ? null : string.Join(',', roles);
            if (plans is not null) category.ReadPlans = CategorySegmentRules.Join(plans);
            if (accounts is not null) category.ReadAccounts = CategorySegmentRules.Join(accounts);
            await using (var tx = await db.BeginWriteAsync(ct))
            {
                if (creating) db.Add(category);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            // Every server reloads categories and re-checks who may stay in which live group (a category may have become private).
            reader.CategoriesChanged();
            await bus.PublishAsync(LiveGroups.Servers, ForumLiveAccess.Signal, new ForumAccessChanged(null, category.Id, true), ct);
            var admin = new ForumViewer("admin", new HashSet<string>([Roles.Admin], StringComparer.Ordinal));
            return TypedResults.Ok((await queries.CategoriesAsync(admin, ct)).Single(c => c.Id == category.Id));
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,79}$")]
    private static partial Regex SlugPattern();
}
