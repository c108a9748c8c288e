using System.Text.RegularExpressions;
using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Forums;

/// <summary>Admins create, order and describe categories, make them private to roles and choose which are Q&A.</summary>
public sealed partial class CategoryAdmin(CommunityDb db, ForumReader reader, ForumQueries queries, ILiveBus bus)
{
    public async Task<CategoryDto> CreateAsync(CategoryRequest request, CancellationToken ct)
    {
        var category = new ForumCategory();
        await ApplyAsync(category, request, creating: true, ct);
        db.Add(category);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(category.Id, ct);
        return await DtoAsync(category.Id, ct);
    }

    public async Task<CategoryDto> UpdateAsync(int id, CategoryRequest request, CancellationToken ct)
    {
        var category = await db.Set<ForumCategory>().FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw ForumProblemException.NotFound("category");
        await ApplyAsync(category, request, creating: false, ct);
        await db.SaveChangesAsync(ct);
        await ChangedAsync(id, ct);
        return await DtoAsync(id, ct);
    }

    /// <summary>Every server reloads categories and re-checks who may stay in which live group (a category may have become private).</summary>
    private async Task ChangedAsync(int id, CancellationToken ct)
    {
        reader.CategoriesChanged();
        await bus.PublishAsync(LiveGroups.Servers, ForumLiveAccess.Signal, new ForumAccessChanged(null, id, true), ct);
    }

    private async Task ApplyAsync(ForumCategory category, CategoryRequest request, bool creating, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (creating || request.Name is not null) errors.Text("name", request.Name, 2, 80, "Name");
        if (request.Description is not null) errors.Text("description", request.Description, 0, 500, "Description");
        var slug = request.Slug?.Trim().ToLowerInvariant() ?? (creating ? ForumWriter.Slugify(request.Name ?? "") : null);
        if (slug is not null)
        {
            if (!SlugPattern().IsMatch(slug)) errors.Add("slug", "Use 2–80 lower-case letters, digits and hyphens.");
            else if (await db.Set<ForumCategory>().AnyAsync(c => c.Slug == slug && c.Id != category.Id, ct)) errors.Add("slug", "Another category uses that slug.");
        }
        var roles = request.ReadRoles?.Select(r => r.Trim()).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (roles?.FirstOrDefault(r => !Roles.All.Contains(r)) is { } bad) errors.Add("readRoles", $"Unknown role {bad}. Roles are {string.Join(", ", Roles.All)}.");
        if (errors.Any) throw ForumProblemException.Invalid(errors);
        if (request.Name is not null) category.Name = request.Name.Trim();
        if (slug is not null) category.Slug = slug;
        if (request.Description is not null) category.Description = request.Description.Trim();
        if (request.Position is { } position) category.Position = position;
        if (request.IsQa is { } qa) category.IsQa = qa;
        if (roles is not null) category.ReadRoles = roles.Count == 0 ? null : string.Join(',', roles);
    }

    private async Task<CategoryDto> DtoAsync(int id, CancellationToken ct) =>
        (await queries.CategoriesAsync(new ForumViewer("admin", new HashSet<string>([Roles.Admin], StringComparer.Ordinal)), ct)).Single(c => c.Id == id);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,79}$")]
    private static partial Regex SlugPattern();
}
