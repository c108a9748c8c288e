using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Referrals;

/// <summary>The advocate panel inside the product: options, token validation, the per-member cache and the framing allow-list.</summary>
internal static class EmbedModule
{
    public static IServiceCollection AddEmbed(this IServiceCollection services, IConfiguration configuration)
    {
        var options = EmbedOptions.Read(configuration);
        services.AddSingleton(options);
        services.AddSingleton(new EmbedFrameAncestors([.. options.AllowedOrigins]));
        services.AddSingleton<EmbedTokens>();
        services.AddSingleton<EmbedPanels>();
        return services;
    }
}
