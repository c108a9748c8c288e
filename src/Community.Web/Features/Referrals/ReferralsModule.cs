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
        services.AddSingleton<IApiKeyLookup>(sp => sp.GetRequiredService<ApiKeys>());
        services.AddSingleton<ClickBuffer>();
        services.AddSingleton<EventBatches>();
        services.AddHostedService<ClickFlusher>();
        services.AddHostedService<ReferralPurgeJob>();
        services.AddScoped<FraudSignals>();
        services.AddScoped<Credits>();
        services.AddScoped<IReferralMemberFacts, ReferralMemberFacts>();
        services.AddSingleton<CreditNotifications>();
        services.AddSingleton<Notifications.INewNotifications>(sp => sp.GetRequiredService<CreditNotifications>());
        services.AddSingleton<Notifications.INotificationInbox>(sp => sp.GetRequiredService<CreditNotifications>());
        services.AddScoped<ReferralWebhooks>();
        services.AddScoped<ReferralRewards>();
        services.AddScoped<AdvocateTiers>();
        services.AddSingleton<TierNotifications>();
        services.AddSingleton<Notifications.INewNotifications>(sp => sp.GetRequiredService<TierNotifications>());
        services.AddSingleton<Notifications.INotificationInbox>(sp => sp.GetRequiredService<TierNotifications>());
        services.AddScoped<ReportEvent>();
        services.AddScoped<Ledger>();
        services.AddScoped<ReferralAttribution>();
        services.AddScoped<ReferralMaintenance>();
        services.AddScoped<TierReview>();
        services.AddScoped<ReferralPrivacy>();
        services.AddScoped<IReferralPrivacy>(sp => sp.GetRequiredService<ReferralPrivacy>());
        services.AddScoped<IMemberDataSection>(sp => sp.GetRequiredService<ReferralPrivacy>());
        services.AddScoped<IRegistrationHook, ReferralRegistrationHook>();
        services.AddScoped<IEmailConfirmedHook, ReferralConfirmationHook>();
        services.AddScoped<IDemoContent, ReferralDemoContent>();
        services.AddEmbed(configuration);
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(ShareByEmail.RateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
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
        RedirectEndpoint.Map(app);
        ReportEvent.Map(app);
        ShowEmbedPanel.Map(app);
        ReferralApi.Map(app);

        var me = app.MapGroup("/api/referrals").WithTags("Referrals").RequireAuthorization();
        ShowDashboard.Map(me);
        RememberDevice.Map(me);
        SetVanityCode.Map(me);
        ShowQrCode.Map(me);
        ShareByEmail.Map(me);
        CreateTestReferral.Map(me);
        RedeemCredits.Map(me);
        SetLeaderboardOptOut.Map(me);
        ClaimCode.Map(me);
        ShowLeaderboard.Map(me);

        var admin = app.MapGroup("/api/admin/referrals").WithTags("Referrals admin").RequireAuthorization(Policies.Publish);
        EditProgram.Map(admin);
        ListCampaigns.Map(admin);
        CreateCampaign.Map(admin);
        EditCampaign.Map(admin);
        CampaignFunnel.Map(admin);
        TopAdvocates.Map(admin);
        ReviewQueue.Map(admin);
        ReviewReferral.Map(admin);
        ExportCsv.Map(admin);
        AdjustCredits.Map(admin);
        ClickStatistics.Map(admin);

        ManageApiKeys.Map(app.MapGroup("/api/admin/referrals/keys").WithTags("Referrals admin").RequireAuthorization(Policies.Administer));
        MemberData.Map(app.MapGroup("/api/admin/referrals/members").WithTags("Referrals admin").RequireAuthorization(Policies.Administer));

        app.MapPage("/refer", "refer.html");
        app.MapPage("/admin/referrals", "admin-referrals.html");
        return app;
    }
}
