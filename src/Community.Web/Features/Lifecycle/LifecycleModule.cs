using Community.Web.Features.Accounts;
using Community.Web.Features.Forums;
using Community.Web.Features.Publishing;
using Community.Web.Features.Referrals;
using Community.Web.Features.Insights;
using Community.Web.Features.Lifecycle.Insights;
using Community.Web.Features.Lifecycle.Timeline;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Authorization;

namespace Community.Web.Features.Lifecycle;

/// <summary>Member lifecycle stages (Joined … Champion, At risk, Dormant), their history and webhook, and each member's timeline.</summary>
public static class LifecycleModule
{
    /// <summary>Who sees stages and timelines: staff (moderators, marketing, admins).</summary>
    public const string StaffPolicy = "lifecycle-staff";

    public static IServiceCollection AddLifecycle(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(LifecycleOptions.Section).Get<LifecycleOptions>() ?? new LifecycleOptions();
        services.AddSingleton(options);
        services.Configure<AuthorizationOptions>(o => o.AddPolicy(StaffPolicy, p => p.RequireRole(Roles.Moderator, Roles.Marketing, Roles.Admin)));
        // Each owning feature's facts (its own class, in its own folder; registered here so the module stays one line in Program).
        services.AddScoped<IMemberFactSource, AccountLifecycleFacts>();
        services.AddScoped<IMemberFactSource, ForumLifecycleFacts>();
        services.AddScoped<IMemberFactSource, ReferralLifecycleFacts>();
        services.AddScoped<IMemberFactSource, StoryLifecycleFacts>();
        services.AddScoped<StageEngine>();
        services.AddScoped<IMemberLifecycle, MemberLifecycle>();
        if (options.Listen) services.AddScoped<IMemberActivityHandler, LifecycleActivityHandler>();
        services.AddScoped<IMemberDataSection, LifecycleMemberData>();
        services.AddScoped<IMemberTimelineSource, AccountTimeline>();
        services.AddScoped<IMemberTimelineSource, ReferralTimeline>();
        services.AddScoped<IMemberTimelineSource, ForumTimeline>();
        services.AddScoped<IMemberTimelineSource, StoryTimeline>();
        services.AddScoped<IMemberTimelineSource, StageTimeline>();
        services.AddScoped<StageFlowRollup>();
        services.AddScoped<IInsightSource, StageDistributionInsight>();
        services.AddScoped<IInsightSource, StageFlowsInsight>();
        services.AddSingleton<StageRecomputation>();
        services.AddHostedService(sp => sp.GetRequiredService<StageRecomputation>());
        return services;
    }

    public static IEndpointRouteBuilder MapLifecycle(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/api/admin/members").WithTags("Lifecycle").RequireAuthorization(StaffPolicy);
        ShowMemberLifecycle.Map(staff);
        MemberTimeline.Map(staff);
        app.MapGet("/admin/members", (Delegate)Page).ExcludeFromDescription();
        app.MapGet("/admin/members/{key}", (Delegate)Page).ExcludeFromDescription();
        return app;
    }

    private static Task<IResult> Page(HttpContext http) => StaffPages.ServeAsync(http, StaffPolicy, "admin-member.html", "member-timeline",
        "Member timelines are for staff", "<h1>Member timelines are for staff</h1><p>Moderators, marketing and admins see members' timelines.</p>");
}
