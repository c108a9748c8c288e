using System.Threading.RateLimiting;
using Community.Web.Features.Accounts;
using Community.Web.Features.Demo;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.RateLimiting;

namespace Community.Web.Features.Referrals;

public static class ReferralsModule
{
    public static IServiceCollection AddReferrals(this IServiceCollection services, IConfiguration configuration, string root)
    {
        var options = configuration.GetSection(ReferralOptions.Section).Get<ReferralOptions>() ?? new ReferralOptions();
        options.DisposableDomainsFile = Path.GetFullPath(options.DisposableDomainsFile, root);
        services.AddSingleton(options);
        services.AddSingleton<ProgramStore>();
        services.AddSingleton<CodeDirectory>();
        services.AddSingleton<Leaderboard>();
        services.AddSingleton<IpHasher>();
        services.AddSingleton<DisposableDomains>();
        services.AddSingleton<ApiKeys>();
        services.AddSingleton<ClickBuffer>();
        services.AddSingleton<EventWriter>();
        services.AddHostedService<ClickFlusher>();
        services.AddHostedService<ReferralPurgeJob>();
        services.AddScoped<FraudSignals>();
        services.AddScoped<ReferralRewards>();
        services.AddScoped<Ledger>();
        services.AddScoped<ReferralAttribution>();
        services.AddScoped<ReferralMaintenance>();
        services.AddScoped<ReferralPrivacy>();
        services.AddScoped<IReferralPrivacy>(sp => sp.GetRequiredService<ReferralPrivacy>());
        services.AddScoped<IMemberDataSection>(sp => sp.GetRequiredService<ReferralPrivacy>());
        services.AddScoped<IRegistrationHook, ReferralRegistrationHook>();
        services.AddScoped<IEmailConfirmedHook, ReferralConfirmationHook>();
        services.AddScoped<IDemoContent, ReferralDemoContent>();
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(AdvocateEndpoints.ShareRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
            RateLimits.UserKey(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, options.ShareEmailsPerHour),
                Window = TimeSpan.FromHours(1),
                QueueLimit = 0,
            })));
        return services;
    }

    public static IEndpointRouteBuilder MapReferrals(this IEndpointRouteBuilder app)
    {
        app.MapReferralRedirect();
        app.MapEventsApi();
        app.MapAdvocateEndpoints();
        app.MapReferralAdmin();
        app.MapReferralPrivacy();
        app.MapPage("/refer", "refer.html");
        app.MapPage("/admin/referrals", "admin-referrals.html");
        return app;
    }
}
