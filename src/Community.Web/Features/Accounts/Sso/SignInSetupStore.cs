using System.Security.Cryptography;
using System.Text.Json;
using Community.Web.Data;
using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>Which parts of the set-up configuration (<c>Sso:*</c>) decides: those are shown locked on /admin/sign-in.</summary>
public sealed record SignInLocks(bool LocalPasswords, bool Oidc, bool Connect, bool GroupRoles, bool CustomAttributes);

/// <summary>The sign-in set-up in force: configuration where it says something, else what the admin saved.</summary>
public sealed record EffectiveSignInSetup(bool LocalPasswords, OidcSettings Oidc, ConnectSettings? Connect, SsoSettings Sso,
    SignInLocks Locks, DateTime? UpdatedAt);

/// <summary>
/// Holds the effective sign-in set-up and applies it without a restart: a save (here or on another server, told through the
/// <see cref="Topic"/> cache signal) reloads the row, rebuilds the OpenID Connect handler's options (the options cache entry is
/// dropped, so discovery, keys and client credentials are read anew) and adds or removes the "oidc" scheme.
/// Configuration wins section by section: OIDC when <c>Sso:Oidc:Authority</c> or <c>ClientId</c> is set, Connect when
/// <c>Sso:Connect:Url</c> or <c>Secret</c> is set, <c>Sso:LocalPasswords</c>, <c>Sso:GroupRoles</c>, <c>Sso:CustomAttributes</c>.
/// </summary>
public sealed partial class SignInSetupStore : IHostedService, IDisposable
{
    public const string Topic = "sso-setup";
    private const string Purpose = "Community.Sso.SignInSetup.v1";

    private readonly IConfiguration _configuration;
    private readonly IServiceScopeFactory _scopes;
    private readonly IDataProtector _protector;
    private readonly IAuthenticationSchemeProvider _schemes;
    private readonly IOptionsMonitorCache<OpenIdConnectOptions> _oidcOptions;
    private readonly ILogger<SignInSetupStore> _log;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private EffectiveSignInSetup _current;

    public SignInSetupStore(IConfiguration configuration, IServiceScopeFactory scopes, IDataProtectionProvider protection,
        IAuthenticationSchemeProvider schemes, IOptionsMonitorCache<OpenIdConnectOptions> oidcOptions, ICacheSignals signals,
        ILogger<SignInSetupStore> log)
    {
        _configuration = configuration;
        _scopes = scopes;
        _protector = protection.CreateProtector(Purpose);
        _schemes = schemes;
        _oidcOptions = oidcOptions;
        _log = log;
        Locks = ReadLocks(configuration);
        _current = Build(new SignInSetupDocument(), null);
        Apply(_current);
        signals.Subscribe(Topic, key => _ = ReloadInBackgroundAsync());
    }

    public SignInLocks Locks { get; }

    public EffectiveSignInSetup Current => Volatile.Read(ref _current);

    public string Protect(string secret) => _protector.Protect(secret);

    public Task StartAsync(CancellationToken cancellationToken) => ReloadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _reloading.Dispose();

    /// <summary>Reads the saved set-up and puts it in force on this server.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reloading.WaitAsync(ct);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
            var row = await db.Set<StoredSignInSetup>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == StoredSignInSetup.SingleId, ct);
            var document = row is null ? new SignInSetupDocument() : JsonSerializer.Deserialize<SignInSetupDocument>(row.Document, Json)!;
            var next = Build(document, row?.UpdatedAt);
            Volatile.Write(ref _current, next);
            Apply(next);
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>The saved document as it is (for an edit that changes one part and keeps the others).</summary>
    public static SignInSetupDocument Read(StoredSignInSetup? row) =>
        row is null ? new SignInSetupDocument() : JsonSerializer.Deserialize<SignInSetupDocument>(row.Document, Json)!;

    public static string Write(SignInSetupDocument document) => JsonSerializer.Serialize(document, Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReloadFailed(_log, ex.GetType().Name, ex.Message); // the previous set-up stays in force
        }
    }

    private static SignInLocks ReadLocks(IConfiguration c) => new(
        LocalPasswords: c["Sso:LocalPasswords"] is { Length: > 0 },
        Oidc: c["Sso:Oidc:Authority"] is { Length: > 0 } || c["Sso:Oidc:ClientId"] is { Length: > 0 },
        Connect: c["Sso:Connect:Url"] is { Length: > 0 } || c["Sso:Connect:Secret"] is { Length: > 0 },
        GroupRoles: c.GetSection("Sso:GroupRoles").GetChildren().Any(),
        CustomAttributes: c.GetSection("Sso:CustomAttributes").GetChildren().Any());

    private EffectiveSignInSetup Build(SignInSetupDocument saved, DateTime? updatedAt)
    {
        var c = _configuration;
        var oidc = OidcSettings.From(c); // deployment settings (https metadata, private addresses, timeout) always come from here
        if (!Locks.Oidc && saved.Oidc is { } o)
        {
            oidc.Authority = o.Authority;
            oidc.ClientId = o.ClientId;
            oidc.ClientSecret = o.ProtectedClientSecret is { } p ? Unprotect(p, "OpenID Connect client secret") ?? "" : "";
            oidc.DisplayName = o.Name;
            oidc.Scopes = o.Scopes;
            oidc.Claims = o.Claims;
            if (o.ProtectedClientSecret is not null && oidc.ClientSecret.Length == 0) oidc.ClientId = ""; // unreadable secret: off
        }
        var connect = ConnectSettings.From(c);
        if (!Locks.Connect && saved.Connect is { } s && Uri.TryCreate(s.Url, UriKind.Absolute, out var url)
            && Unprotect(s.ProtectedSecret, "Connect secret") is { } secret)
            connect = new ConnectSettings(url, secret, s.Name);
        var localPasswords = Locks.LocalPasswords ? c.GetValue("Sso:LocalPasswords", true) : saved.LocalPasswords ?? true;
        var custom = Locks.CustomAttributes ? c.GetSection("Sso:CustomAttributes").Get<string[]>() ?? [] : saved.CustomAttributes ?? [];
        var groups = Locks.GroupRoles
            ? c.GetSection("Sso:GroupRoles").GetChildren().Select(e => KeyValuePair.Create(e.Key, e.Value))
            : (saved.GroupRoles ?? []).Select(g => KeyValuePair.Create(g.Group, (string?)g.Role));
        var names = new ProductNames(connect?.Name ?? c["Sso:Connect:Name"],
            oidc.DisplayName.Length > 0 ? oidc.DisplayName : c["Sso:Oidc:Name"], c["Sso:ProductName"]);
        var sso = new SsoSettings(custom, groups, names, _log);
        return new EffectiveSignInSetup(localPasswords, oidc, connect, sso, Locks, updatedAt);
    }

    private string? Unprotect(string protectedSecret, string what)
    {
        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException ex)
        {
            LogSecretUnreadable(_log, what, ex.Message); // keys lost or not shared between servers: the provider stays off
            return null;
        }
    }

    /// <summary>Adds, replaces or removes the "oidc" scheme; dropping the cached options makes the handler read the new ones.</summary>
    private void Apply(EffectiveSignInSetup setup)
    {
        _oidcOptions.TryRemove(OidcSettings.Scheme);
        // Kept while it stays on, so a callback arriving during a save still finds its handler.
        if (setup.Oidc.Enabled)
            _schemes.TryAddScheme(new AuthenticationScheme(OidcSettings.Scheme, setup.Oidc.ButtonName(_configuration), typeof(OpenIdConnectHandler)));
        else _schemes.RemoveScheme(OidcSettings.Scheme);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in set-up not reloaded ({Kind}: {Error}); the previous one stays in force")]
    private static partial void LogReloadFailed(ILogger logger, string kind, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored {What} cannot be decrypted ({Error}); that provider is off until it is saved again")]
    private static partial void LogSecretUnreadable(ILogger logger, string what, string error);
}
