using Community.Media;
using Community.Web.Features.Demo;
using Community.Web.Features.Media;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Publishing;

public sealed class PublishingOptions
{
    public const string Section = "Publishing";

    /// <summary>Folder of content files (spotlights/, case-studies/), relative to the content root.</summary>
    public string ContentFolder { get; set; } = "content";
    /// <summary>Reload content files when they change while the site runs.</summary>
    public bool WatchContent { get; set; } = true;
    /// <summary>How often the scheduler looks for stories due to go live.</summary>
    public int SchedulerSeconds { get; set; } = 30;

    /// <summary>Load the story catalog in the background at start-up instead of on the first request.</summary>
    public bool WarmOnStart { get; set; } = true;
}

public static class PublishingModule
{
    public static IServiceCollection AddPublishing(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(PublishingOptions.Section).Get<PublishingOptions>() ?? new PublishingOptions();
        services.AddSingleton(options);
        services.AddSingleton<StoryWebhooks>();

        var mediaRoot = configuration["Media:Root"] ?? "data/media";
        services.AddSingleton(new MediaStore(Path.IsPathRooted(mediaRoot) ? mediaRoot : Path.Combine(contentRoot, mediaRoot)));
        services.AddSingleton(_ => new ImagePipeline());
        services.AddSingleton<MediaLibrary>();

        var contentFolder = Path.IsPathRooted(options.ContentFolder) ? options.ContentFolder : Path.Combine(contentRoot, options.ContentFolder);
        services.AddSingleton(sp =>
            new ContentFiles(contentFolder, sp.GetRequiredService<MediaLibrary>(), sp.GetRequiredService<ILogger<ContentFiles>>()));
        services.AddSingleton<StoryCatalog>();
        services.AddSingleton<StoryMarkdown>();
        services.AddSingleton<StoryRenderer>();
        services.AddSingleton<ISitemapSource, StorySitemapSource>();
        services.AddSingleton<StoryScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<StoryScheduler>());
        services.AddScoped<IDemoContent, PublishingDemoContent>();
        return services;
    }

    public static IEndpointRouteBuilder MapPublishing(this IEndpointRouteBuilder app)
    {
        app.MapMedia();
        app.MapStoryEditor();
        app.MapStoryPages();
        app.MapEditorPages();
        var options = app.ServiceProvider.GetRequiredService<PublishingOptions>();
        if (options.WatchContent) app.ServiceProvider.GetRequiredService<ContentFiles>().Watch();
        return app;
    }
}
