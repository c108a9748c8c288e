namespace Community.Web.Features.Insights;

public sealed record InsightCategoryDto(int Id, string Name, bool IsQa);

/// <summary>The forum categories a chart may be narrowed to (Forums implements it).</summary>
public interface IInsightCategories
{
    Task<IReadOnlyList<InsightCategoryDto>> ListAsync(CancellationToken ct);
}

/// <summary>The product segments members belong to (Accounts implements it from what SSO and member sync wrote).</summary>
public interface IInsightSegments
{
    Task<IReadOnlyList<string>> PlansAsync(CancellationToken ct);

    /// <summary>Each member's plan, for the members who have one (the roll-ups count active members per plan).</summary>
    Task<IReadOnlyDictionary<string, string>> PlanOfMembersAsync(CancellationToken ct);

    /// <summary>The ids of the members in a segment, as a query to compose into a roll-up query (not run on its own).</summary>
    IQueryable<string> MemberIds(string? plan, string? account);
}

public sealed record InsightFiltersDto(IReadOnlyList<InsightCategoryDto> Categories, IReadOnlyList<string> Plans);

/// <summary>GET /api/admin/insights/filters: what the dashboard's filter menus offer.</summary>
internal static class ListInsightFilters
{
    public static void Map(RouteGroupBuilder api) => api.MapGet("/filters", async (IInsightCategories categories, IInsightSegments segments,
        CancellationToken ct) => TypedResults.Ok(new InsightFiltersDto(await categories.ListAsync(ct), await segments.PlansAsync(ct))));
}
