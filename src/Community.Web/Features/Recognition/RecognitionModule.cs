using Community.Web.Features.Accounts;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Recognition;

/// <summary>Badges (automatic and manual), trust levels and their gates, and the activity a profile shows.</summary>
public static class RecognitionModule
{
    public static IServiceCollection AddRecognition(this IServiceCollection services, IConfiguration configuration)
    {
        var trust = configuration.GetSection(TrustOptions.Section).Get<TrustOptions>() ?? new TrustOptions();
        services.AddSingleton(trust);
        services.AddScoped<ITrustLevels, TrustLevelReader>();
        services.AddScoped<TrustRecompute>();
        services.AddScoped<BadgeGrants>();
        services.AddScoped<BadgeRules>();
        services.AddScoped<IFeaturedMembers, Publishing.StoryFeaturedMembers>();
        services.AddScoped<Lifecycle.Timeline.IMemberTimelineSource, BadgeTimeline>();
        if (trust.Listen) services.AddScoped<IMemberActivityHandler, RecognitionActivityHandler>();
        services.AddScoped<IMemberDataSection, RecognitionMemberData>();
        services.AddSingleton<MemberVisits>();
        services.AddSingleton<RecognitionPass>();
        services.AddHostedService<RecognitionDailyPass>();
        services.AddSingleton<RecognitionRecheck>();
        services.AddHostedService(sp => sp.GetRequiredService<RecognitionRecheck>());
        return services;
    }

    public static IEndpointRouteBuilder MapRecognition(this IEndpointRouteBuilder app)
    {
        var members = app.MapGroup("/api").WithTags("Recognition").RequireAuthorization();
        var admins = app.MapGroup("/api/admin").WithTags("Admin").RequireAuthorization(Policies.Administer);
        ManageBadges.Map(admins);
        ProfileActivity.Map(app, members);
        RecomputeTrust.Map(admins);
        app.MapGet("/admin/badges", (Delegate)AdminPage).ExcludeFromDescription();
        return app;
    }

    private static Task<IResult> AdminPage(HttpContext http) => StaffPages.ServeAsync(http, Policies.Administer, "admin-badges.html", "badges",
        "Admins only", "<section class=\"card narrow\"><h1>Admins only</h1><p>Badges are managed by admins.</p></section>");
}
