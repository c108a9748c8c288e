using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Accounts.Sso;

/// <summary>
/// PUT /api/admin/sign-in (Admin role; the CSRF header like every write): validates, stores the set-up (secrets encrypted with
/// Data Protection, never sent back), puts it in force on this server before answering and tells the other servers to reload.
/// One audit line per save names the admin and the parts changed, never a secret.
/// </summary>
public static partial class SignInSetupEdit
{
    public static async Task<Results<Ok<SignInSetup>, ValidationProblem, ProblemHttpResult>> SaveAsync(SignInSetupRequest request,
        ClaimsPrincipal user, UserManager<Member> users, CommunityDb db, SignInSetupStore store, ICacheSignals signals,
        IHostEnvironment environment, IConfiguration configuration, TimeProvider clock, ILogger<SignInSetupStore> log,
        IServiceProvider services, CancellationToken ct)
    {
        var saved = SignInSetupStore.Read(await db.Set<StoredSignInSetup>().AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == StoredSignInSetup.SingleId, ct));
        var errors = await SignInSetupRules.CheckAsync(request, store, saved, environment.IsDevelopment(), configuration, ct);
        if (errors.Any) return errors.ToProblem();
        var (next, changes) = Merge(saved, request, store);
        var adminId = users.GetUserId(user);
        try
        {
            await using var tx = await db.BeginWriteAsync(ct);
            var row = await db.Set<StoredSignInSetup>().FirstOrDefaultAsync(s => s.Id == StoredSignInSetup.SingleId, ct);
            if (row is null) db.Add(row = new StoredSignInSetup());
            row.Document = SignInSetupStore.Write(next);
            row.UpdatedAt = clock.GetUtcNow().UtcDateTime;
            row.UpdatedBy = adminId;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            return Problems.Conflict("Another admin saved the sign-in set-up at the same moment. Reload the page and try again.");
        }
        LogChanged(log, adminId ?? "?", changes.Count > 0 ? string.Join(", ", changes) : "nothing");
        await store.ReloadAsync(ct);
        signals.Publish(SignInSetupStore.Topic, "saved");
        return TypedResults.Ok(SignInSettingsEndpoints.DescribeSetup(services));
    }

    private static (SignInSetupDocument Next, List<string> Changes) Merge(SignInSetupDocument saved, SignInSetupRequest r,
        SignInSetupStore store)
    {
        var changes = new List<string>();
        var next = saved;
        if (r.LocalPasswords is { } local)
        {
            next = next with { LocalPasswords = local };
            changes.Add("local passwords " + (local ? "on" : "off"));
        }
        if (r.Oidc is { } o)
        {
            var secret = string.IsNullOrEmpty(o.ClientSecret) ? saved.Oidc?.ProtectedClientSecret : store.Protect(o.ClientSecret);
            next = next with
            {
                Oidc = o.Remove ? null : new StoredOidc(o.Name!.Trim(), o.Authority!.Trim(), o.ClientId!.Trim(), secret,
                    string.Join(' ', (o.Scopes ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries)), o.Claims ?? new OidcClaimNames()),
            };
            changes.Add(o.Remove ? "OpenID Connect removed"
                : "OpenID Connect " + o.Authority!.Trim() + (string.IsNullOrEmpty(o.ClientSecret) ? "" : " (client secret replaced)"));
        }
        if (r.Connect is { } c)
        {
            var secret = string.IsNullOrEmpty(c.Secret) ? saved.Connect?.ProtectedSecret : store.Protect(c.Secret);
            next = next with { Connect = c.Remove ? null : new StoredConnect(c.Name!.Trim(), c.Url!.Trim(), secret!) };
            changes.Add(c.Remove ? "Connect removed" : "Connect " + c.Url!.Trim() + (string.IsNullOrEmpty(c.Secret) ? "" : " (secret replaced)"));
        }
        if (r.GroupRoles is { } groups)
        {
            next = next with
            {
                GroupRoles = [.. groups.Select(g => new GroupRoleView(g.Group.Trim(),
                    Roles.All.First(role => string.Equals(role, g.Role.Trim(), StringComparison.OrdinalIgnoreCase))))],
            };
            changes.Add($"group roles ({groups.Count})");
        }
        if (r.CustomAttributes is { } custom)
        {
            next = next with { CustomAttributes = [.. custom.Select(k => k.Trim())] };
            changes.Add($"custom attributes ({custom.Count})");
        }
        return (next, changes);
    }

    [LoggerMessage(Level = LogLevel.Information, EventName = "SignInSetupChanged",
        Message = "Audit: admin {AdminId} changed the sign-in set-up: {Changes}")]
    private static partial void LogChanged(ILogger logger, string adminId, string changes);
}
