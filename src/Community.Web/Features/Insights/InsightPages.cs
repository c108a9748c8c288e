using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Insights;

/// <summary>GET /admin/insights: the dashboard page (staff).</summary>
internal static class InsightPages
{
    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/admin/insights", (Delegate)Serve).ExcludeFromDescription();

    private static Task<IResult> Serve(HttpContext http) =>
        StaffPages.ServeAsync(http, InsightsModule.Policy, "admin-insights.html", "insights", "Staff only",
            "<section class=\"card narrow\"><h1>Staff only</h1><p>Insights are for moderators, marketing and admins.</p>"
            + "<p><a href=\"/\">Go to the home page</a></p></section>");
}
