using Community.Web.Data;
using Community.Web.Features.Accounts;
using Community.Web.Features.Demo;
using Community.Web.Features.Forums;
using Community.Web.Features.Health;
using Community.Web.Features.Home;
using Community.Web.Features.Insights;
using Community.Web.Features.Integrations;
using Community.Web.Features.Knowledge;
using Community.Web.Features.Lifecycle;
using Community.Web.Features.Notifications;
using Community.Web.Features.Publishing;
using Community.Web.Features.Recognition;
using Community.Web.Features.Referrals;
using Community.Web.Infrastructure;
using Community.Web.Infrastructure.Activity;
using Community.Web.Infrastructure.Jobs;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Pages;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.AspNetCore.HttpOverrides;

var builder = WebApplication.CreateBuilder(args);
var config = builder.Configuration;
var root = AppRoot.Resolve(config, builder.Environment.ContentRootPath);

// Serve compressed asset variants from the build output too (dotnet run, tests); a no-op for published output.
builder.WebHost.UseStaticWebAssets();

builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Limits.MaxRequestBodySize = 12 * 1024 * 1024; // image uploads are the largest requests
    ConnectionLimits.Apply(k, config); // a connection flood meets a ceiling (503, then closed), not the descriptor limit
});
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHttpContextAccessor();
var site = config.GetSection(SiteOptions.Section).Get<SiteOptions>() ?? new SiteOptions();
if (PublicUrls.Refusal(site, builder.Environment) is { } badAddress)
{
    // An operator's mistake, not a crash: the reason and what to do, without a stack trace.
    await Console.Error.WriteLineAsync(badAddress);
    return 2;
}
builder.Services.AddSingleton(site);
builder.Services.AddSingleton<PublicUrls>();
builder.Services.AddSingleton<AssetUrls>();
builder.Services.AddSingleton<PageLayout>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 32);
builder.Services.AddOpenApi(o => o.AddApiSecurity());
builder.Services.AddRequestLog(config);
builder.Services.AddCommunityMetrics(config);
builder.Services.AddCommunityProblems();
builder.Services.AddDatabaseFaults();
builder.Services.AddCommunityCsrf();
builder.Services.AddCommunityRateLimits(config);
builder.Services.AddCommunityDb(config, root);
builder.Services.AddJobLeases();
builder.Services.AddMemberActivity();
builder.Services.AddSingleton<ForegroundLoad>();
builder.Services.AddMailOutbox(config, root);
builder.Services.AddAccounts(config, root);
builder.Services.AddLive(config);
builder.Services.AddForums(config);
builder.Services.AddPublishing(config, root);
builder.Services.AddKnowledge(config);
builder.Services.AddReferrals(config, root);
builder.Services.AddIntegrations(config);
builder.Services.AddNotifications(config);
builder.Services.AddLifecycle(config);
builder.Services.AddRecognition(config);
builder.Services.AddInsights();
builder.Services.Configure<ForwardedHeadersOptions>(o =>
{
    o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
    o.KnownIPNetworks.Clear();
    o.KnownProxies.Clear();
});

var app = builder.Build();

if (config.GetValue("ForwardedHeaders:Enabled", false)) app.UseForwardedHeaders();
app.UseConnectionLimits(); // first: a request on a connection over the ceiling costs as little as possible
app.UseExceptionHandler();
app.UseStatusBodies();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment() && !app.Environment.IsEnvironment("Testing")) app.UseHsts();
app.UseCommunityMetrics(); // before the request log: scrapes are not worth a log line
app.UseRequestLog();
app.UseForegroundLoad();
app.UseRouting();
app.UseImmutableFingerprintedAssets();
app.UseApiBodyLimits();
app.UseAuthentication();
app.UseRateLimiter();
app.UseSharedRateLimits();
app.UseAuthorization();
app.UseMemberVisits();
app.UseCsrfProtection();

app.MapStaticAssets();
app.MapOpenApi();
app.MapApiDocs();
app.MapHealth();
app.MapCsrfToken();
app.MapAccounts();
app.MapLive();
app.MapHomePages();
app.MapForums();
app.MapPublishing();
app.MapKnowledge();
app.MapReferrals();
app.MapIntegrations();
app.MapNotifications();
app.MapLifecycle();
app.MapRecognition();
app.MapInsights();

await using (var scope = app.Services.CreateAsyncScope())
{
    var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Community.Startup");
    if (await DatabaseFaults.MigrateOrExplainAsync(scope.ServiceProvider) is { } unreachable)
    {
        await Console.Error.WriteLineAsync(unreachable);
        return DatabaseFaults.ExitCode;
    }
    await AccountBootstrap.EnsureRolesAsync(scope.ServiceProvider);
    // Demo first: it only seeds an empty database, and a configured admin would make it non-empty.
    if (config.GetValue("Demo:Seed", false)) await DemoSeed.RunAsync(scope.ServiceProvider, logger);
    else if (await DemoGuard.RefusalAsync(scope.ServiceProvider) is { } refusal)
    {
        // An operator's mistake, not a crash: the reason and what to do, without a stack trace.
        await Console.Error.WriteLineAsync(refusal);
        return DemoGuard.ExitCode;
    }
    await AccountBootstrap.EnsureConfiguredAdminAsync(scope.ServiceProvider, config, logger);
}
// Start-up work (migrations, seeding) leaves garbage the server would otherwise keep committed while idle.
GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

await app.RunAsync();
return 0;

/// <summary>Entry point type, public for WebApplicationFactory.</summary>
public partial class Program;
