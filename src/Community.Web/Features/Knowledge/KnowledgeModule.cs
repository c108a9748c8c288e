using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Demo;
using Community.Web.Features.Knowledge.Articles;
using Community.Web.Features.Knowledge.Search;
using Community.Web.Infrastructure.Pages;
using Microsoft.AspNetCore.Authorization;

namespace Community.Web.Features.Knowledge;

/// <summary>The knowledge base (/kb), unified search (/search) and similar questions while typing.</summary>
public static class KnowledgeModule
{
    /// <summary>Who writes articles: moderators, marketing and admins.</summary>
    public const string WritePolicy = "kb-write";

    public static IServiceCollection AddKnowledge(this IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.Configure<AuthorizationOptions>(o => o.AddPolicy(WritePolicy, p => p.RequireRole(Roles.Moderator, Roles.Marketing, Roles.Admin)));
        services.AddSingleton<KbCatalog>();
        services.AddSingleton<KbRenderer>();
        services.AddSingleton<ISitemapSource, KbSitemapSource>();
        services.AddScoped<IDemoContent, KnowledgeDemoContent>();
        services.AddScoped<IMemberDataSection, KnowledgeMemberData>();
        if (database.IsPostgres) services.AddSingleton<IArticleSearch, PostgresArticleSearch>();
        else services.AddSingleton<IArticleSearch, SqliteArticleSearch>();
        return services;
    }

    public static IEndpointRouteBuilder MapKnowledge(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/kb").WithTags("Knowledge base");
        var staff = api.MapGroup("").RequireAuthorization(WritePolicy);
        Sections.Map(api, staff);
        EditArticles.Map(staff);
        PublishArticles.Map(staff);
        Helpfulness.Map(api, staff);
        KbStats.Map(staff);
        PromoteAnswer.Map(api);
        SimilarQuestions.Map(api);
        UnifiedSearch.Map(app);
        app.MapKbPages();
        return app;
    }
}
