using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Demo;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Features.Forums;

/// <summary>The forums: services, and one endpoint file per use case (see the Categories, Threads, Posts, Moderation and
/// Notifications folders).</summary>
public static class ForumsModule
{
    public static IServiceCollection AddForums(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ForumOptions.Section).Get<ForumOptions>() ?? new ForumOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        services.AddSingleton<ForumReader>();
        services.AddSingleton<ForumWebhooks>();
        services.AddSingleton<MemberThreadStates>();
        services.AddSingleton<SearchCache>();
        services.AddSingleton<PostingLimiter>();
        services.AddSingleton<ForumCounters>();
        services.AddSingleton<SanctionCache>();
        services.AddHostedService(sp => sp.GetRequiredService<ForumCounters>());
        services.AddSingleton<ServerPresence>();
        services.AddSingleton<IServerSignalHandler, PresenceSignalHandler>();
        services.AddSingleton<IThreadPresence, InMemoryThreadPresence>();
        services.AddSingleton<ForumLiveAccess>();
        services.AddSingleton<ILiveAccessCheck>(sp => sp.GetRequiredService<ForumLiveAccess>());
        services.AddSingleton<IServerSignalHandler>(sp => sp.GetRequiredService<ForumLiveAccess>());
        services.AddHostedService<ViewerCountBroadcaster>();
        if (database.IsPostgres) services.AddSingleton<IForumSearch, PostgresForumSearch>();
        else services.AddSingleton<IForumSearch, SqliteForumSearch>();
        services.AddScoped<ForumQueries>();
        services.AddScoped<ForumWrites>();
        services.AddScoped<IForumAnswers, ForumAnswers>();
        services.AddScoped<IForumMemberFacts, ForumMemberFacts>();
        services.AddScoped<IMemberNotices, MemberNotices>();
        services.AddScoped<IForumFinder, ForumFinder>();
        services.AddScoped<StartThread.Handler>();
        services.AddScoped<UpdateThread.Handler>();
        services.AddScoped<DeleteThread.Handler>();
        services.AddScoped<AcceptAnswer.Handler>();
        services.AddScoped<FollowThread.Handler>();
        services.AddScoped<ReplyToThread.Handler>();
        services.AddScoped<EditPost.Handler>();
        services.AddScoped<DeletePost.Handler>();
        services.AddScoped<React.Handler>();
        services.AddScoped<HidePost.Handler>();
        services.AddScoped<FlagPost.Handler>();
        services.AddScoped<FlagQueue.Query>();
        services.AddScoped<FlagQueue.Resolver>();
        services.AddScoped<Sanctions.Handler>();
        services.AddScoped<ManageCategories.Handler>();
        services.AddScoped<ForumPages>();
        services.AddScoped<IDemoContent, ForumDemoContent>();
        services.AddScoped<IMemberDataSection, ForumMemberData>();
        services.AddSingleton<Web.Features.Notifications.INewNotifications, ForumNewNotifications>();
        services.AddSingleton<Web.Features.Notifications.INotificationInbox, ForumNotificationInbox>();
        services.AddSingleton<Infrastructure.Pages.ISitemapSource, ForumSitemapSource>();
        services.AddIdeas(configuration);
        services.AddLiveHub<ForumHub>();
        // On the site-wide hub options: SignalR copies them over HubOptions<ForumHub> when it sets those up, which dropped a filter
        // configured there, so a closed tab never left the viewer count.
        services.Configure<HubOptions>(o => o.AddFilter<PresenceHubFilter>());
        services.AddSingleton<PresenceHubFilter>();
        return services;
    }

    public static IEndpointRouteBuilder MapForums(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Forums");
        var members = api.MapGroup("").RequireAuthorization();
        var moderators = api.MapGroup("").RequireAuthorization(Policies.Moderate);

        BrowseCategories.Map(api);
        ManageCategories.Map(api);
        api.MapSearch();

        ReadThread.Map(api);
        StartThread.Map(members);
        UpdateThread.Map(members);
        DeleteThread.Map(members);
        AcceptAnswer.Map(members);
        FollowThread.Map(members);

        ReplyToThread.Map(members);
        EditPost.Map(api, members);
        DeletePost.Map(members);
        React.Map(members);

        FlagPost.Map(members);
        HidePost.Map(moderators);
        FlagQueue.Map(moderators);
        Sanctions.Map(moderators);
        AuditLog.Map(moderators);

        Notifications.Map(members);
        IdeasModule.MapIdeas(app, api, members);

        ThreadApi.Map(app);
        app.MapForumPages();
        return app;
    }
}
