using Community.Web.Features.Accounts.Sso;
using Community.Web.Infrastructure.Security;

namespace Community.Web.Features.Accounts.Product;

/// <summary>Product identity: just-in-time members, the Connect sign-in and the member sync API.</summary>
public static class ProductIdentityModule
{
    public static IServiceCollection AddProductIdentity(this IServiceCollection services)
    {
        // SsoSettings is the snapshot in force, registered with the sign-in set-up (Sso/SignInSetupStore): admins change it live.
        services.AddScoped<IExternalMembers, ExternalMembers>();
        services.AddSingleton<AvatarImports>();
        services.AddHostedService(sp => sp.GetRequiredService<AvatarImports>());
        services.AddHttpClient(AvatarImports.ClientName, c => c.Timeout = AvatarImports.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => OutboundGuard.CreateHandler(allowPrivate: false, AvatarImports.Timeout));
        return services;
    }

    public static IEndpointRouteBuilder MapProductIdentity(this IEndpointRouteBuilder app)
    {
        app.MapConnect();
        app.MapMemberSync();
        return app;
    }
}
