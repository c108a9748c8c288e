using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Forums;

/// <summary>Ideas and the roadmap (issue #15): services and endpoints, added by <see cref="ForumsModule"/> since ideas are threads.</summary>
public static class IdeasModule
{
    public static IServiceCollection AddIdeas(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(IdeaOptions.Section).Get<IdeaOptions>() ?? new IdeaOptions());
        services.AddScoped<IdeaWrites>();
        services.AddScoped<IdeaQueries>();
        services.AddScoped<IdeaPages>();
        services.AddSingleton<RoadmapPages>();
        services.AddSingleton<Infrastructure.Pages.ISitemapSource, IdeaSitemapSource>();
        services.AddScoped<VoteOnIdea.Handler>();
        services.AddScoped<SetIdeaStatus.Handler>();
        services.AddScoped<MergeIdea.Handler>();
        services.AddScoped<IdeaVoterList.Handler>();
        services.AddScoped<Demo.IDemoContent, IdeaDemoContent>();
        services.AddScoped<Accounts.IMemberDataSection, IdeaMemberData>();
        return services;
    }

    public static void MapIdeas(IEndpointRouteBuilder app, IEndpointRouteBuilder api, IEndpointRouteBuilder members)
    {
        IdeaQueries.Map(api);
        VoteOnIdea.Map(members);
        SetIdeaStatus.Map(members);
        MergeIdea.Map(members);
        IdeaVoterList.Map(members);
        // The anonymous page straight from memory when current; IdeaPages (and its database context) only to build it.
        app.MapGet("/roadmap", (HttpContext http, RoadmapPages roadmaps, CancellationToken ct) =>
            roadmaps.TryServe(http) is { } served ? Task.FromResult(served)
                : http.RequestServices.GetRequiredService<IdeaPages>().RoadmapAsync(http, ct)).ExcludeFromDescription();
        app.MapPage("/ideas", "ideas.html");
    }
}
