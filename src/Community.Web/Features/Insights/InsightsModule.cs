using Community.Web.Features.Accounts;
using Community.Web.Features.Accounts.Insights;
using Community.Web.Features.Forums.Insights;
using Community.Web.Features.Knowledge.Insights;
using Community.Web.Features.Referrals.Insights;
using Community.Web.Features.Insights.Rollups;
using Community.Web.Infrastructure.Activity;
using Microsoft.AspNetCore.Authorization;

namespace Community.Web.Features.Insights;

/// <summary>The insights dashboard (/admin/insights): the chart sources' API, CSV, and the daily roll-ups behind them.</summary>
public static class InsightsModule
{
    /// <summary>Who sees insights: moderators, marketing and admins.</summary>
    public const string Policy = "insights";

    public static IServiceCollection AddInsights(this IServiceCollection services)
    {
        services.Configure<AuthorizationOptions>(o => o.AddPolicy(Policy, p => p.RequireRole(Roles.Moderator, Roles.Marketing, Roles.Admin)));
        services.AddSingleton<InsightRollupGate>();
        services.AddScoped<InsightRollups>();
        services.AddScoped<InsightFigures>();
        services.AddScoped<IMemberActivityHandler, VisitRecorder>();
        services.AddHostedService<InsightRollupJob>();
        // The features' parts are registered here so the dashboard is one switch; each lives in its own feature's folder.
        services.AddScoped<IInsightSegments, MemberSegments>();
        services.AddScoped<IInsightCategories, InsightCategories>();
        services.AddScoped<IInsightRollup, MemberRollup>();
        services.AddScoped<IInsightRollup, ForumRollup>();
        services.AddScoped<IInsightRollup, ReferralRollup>();
        services.AddScoped<IInsightSource, NewMembersInsight>();
        services.AddScoped<IInsightSource, ActiveMembersInsight>();
        services.AddScoped<IInsightSource, PostsInsight>();
        services.AddScoped<IInsightSource, FirstResponseInsight>();
        services.AddScoped<IInsightSource, UnansweredInsight>();
        services.AddScoped<IInsightSource, SolvedInsight>();
        services.AddScoped<IInsightSource, ReferralFunnelInsight>();
        services.AddScoped<IInsightSource, ReferralCampaignsInsight>();
        services.AddScoped<IInsightSource, IdeasInsight>();
        services.AddScoped<IInsightSource, HelpfulnessInsight>();
        return services;
    }

    public static IEndpointRouteBuilder MapInsights(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/insights").WithTags("Insights").RequireAuthorization(Policy);
        ListInsights.Map(api);
        ListInsightFilters.Map(api);
        ReadInsight.Map(api);
        RebuildInsights.Map(api);
        InsightPages.Map(app);
        return app;
    }
}
