using Community.Web.Data;
using Community.Web.Features.Accounts.Product;
using Community.Web.Features.Accounts.Sso;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

public static class AccountsModule
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddIdentity<Member, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_-";
                o.SignIn.RequireConfirmedEmail = true;
                o.Password.RequiredLength = MemberRules.PasswordMin;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 5;
                o.Lockout.AllowedForNewUsers = true;
                // More than one client may fail (Accounts:FailedSignInsPerClient): a single guesser cannot lock the owner out.
                o.Lockout.MaxFailedAccessAttempts = configuration.GetValue("Accounts:MaxFailedSignIns", 10);
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(configuration.GetValue("Accounts:LockoutMinutes", 15));
            })
            .AddEntityFrameworkStores<CommunityDb>()
            .AddClaimsPrincipalFactory<MemberClaimsFactory>()
            .AddSignInManager<MemberSignInManager>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>();
        services.Configure<DataProtectionTokenProviderOptions>(o =>
            o.TokenLifespan = TimeSpan.FromMinutes(configuration.GetValue("Accounts:TokenLifetimeMinutes", 24 * 60)));

        // Keys on disk so sign-in cookies survive restarts; several servers share the folder.
        services.AddDataProtection()
            .SetApplicationName("Community")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(contentRoot, configuration["DataProtection:KeysFolder"] ?? "data/keys")));

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "community.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = PublicUrls.CookiePolicy(configuration);
            o.ExpireTimeSpan = TimeSpan.FromDays(14);
            o.SlidingExpiration = true;
            o.LoginPath = "/signin";
            o.AccessDeniedPath = "/signin";
            // APIs answer 401/403 with a problem body instead of redirecting to the sign-in page.
            // Identity's validator is resolved per request with SignInManager, UserManager, the store and a pooled DbContext,
            // only to find that the 30-minute check is not due: decide that first (the validator repeats the same test).
            o.Events.OnValidatePrincipal = ctx =>
            {
                var interval = ctx.HttpContext.RequestServices
                    .GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval;
                var now = (ctx.Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
                return ctx.Properties.IssuedUtc is { } issued && now - issued <= interval
                    ? Task.CompletedTask
                    : SecurityStampValidator.ValidatePrincipalAsync(ctx);
            };
            o.Events.OnRedirectToLogin = ctx => ApiOrRedirect(ctx.HttpContext, ctx.RedirectUri, 401, "Sign in to continue.");
            o.Events.OnRedirectToAccessDenied = ctx => ApiOrRedirect(ctx.HttpContext, ctx.RedirectUri, 403, "You do not have permission to do that.");
            SessionValidation.Configure(o);
        });
        services.Configure<SecurityStampValidatorOptions>(SessionValidation.KeepSessionId);
        services.AddSingleton<SessionDirectory>();
        services.AddScoped<MemberSessions>();
        services.AddScoped<IMemberDirectory, MemberDirectory>();
        services.AddScoped<IMemberJoins, MemberJoins>();
        services.AddSingleton<IServerSignalHandler, SessionSignalHandler>();
        services.AddSingleton<ILiveConnectionGate, SessionConnectionGate>();
        services.AddSsoSignIn(configuration);

        CookieTicketCache.Register(services); // after Identity's cookie set-up, so it wraps the configured format
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Moderate, p => p.RequireRole(Roles.Moderator, Roles.Admin))
            .AddPolicy(Policies.Publish, p => p.RequireRole(Roles.Marketing, Roles.Admin))
            .AddPolicy(Policies.Administer, p => p.RequireRole(Roles.Admin));

        services.AddPasskeys();
        services.AddScoped<AccountEmails>();
        services.AddSingleton<SignInAttempts>();
        services.AddScoped<MemberRegistration>();
        services.AddSingleton<AccountWebhooks>();
        services.AddScoped<AdminMemberQuery>();
        services.AddProductIdentity();
        return services;
    }

    private static Task ApiOrRedirect(HttpContext http, string redirect, int status, string detail)
    {
        if (http.IsApi() || http.Request.Path.StartsWithSegments("/hubs"))
        {
            http.Response.StatusCode = status;
            return Results.Problem(detail, statusCode: status, title: status == 401 ? "Unauthorized" : "Forbidden").ExecuteAsync(http);
        }
        http.Response.Redirect(redirect);
        return Task.CompletedTask;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapAccountEndpoints();
        app.MapSsoSignIn();
        app.MapPasskeyEndpoints();
        app.MapMeEndpoints();
        app.MapMemberEndpoints();
        app.MapAdminMemberEndpoints();
        app.MapMemberDataEndpoints();
        app.MapProductIdentity();
        app.MapMemberApi();
        return app;
    }
}
