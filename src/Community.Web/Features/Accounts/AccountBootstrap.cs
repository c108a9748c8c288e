using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

/// <summary>Start-up work for accounts: the roles exist, and the first admin comes from configuration — never from a built-in password.</summary>
public static partial class AccountBootstrap
{
    public static async Task EnsureRolesAsync(IServiceProvider services)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role)) await roles.CreateAsync(new IdentityRole(role));
        }
    }

    /// <summary>
    /// Creates or promotes the admin named by <c>Admin:Email</c> (with <c>Admin:Password</c> for a new account).
    /// Set them once through environment variables or the command line (<c>--Admin:Email=...</c>).
    /// </summary>
    public static async Task EnsureConfiguredAdminAsync(IServiceProvider services, IConfiguration configuration, ILogger logger)
    {
        var email = configuration["Admin:Email"];
        if (string.IsNullOrWhiteSpace(email)) return;
        var users = services.GetRequiredService<UserManager<Member>>();
        var member = await users.FindByEmailAsync(email);
        if (member is null)
        {
            var password = configuration["Admin:Password"];
            if (string.IsNullOrEmpty(password))
            {
                LogAdminNeedsPassword(logger, email);
                return;
            }
            var (created, result) = await services.GetRequiredService<MemberRegistration>()
                .CreateAsync(email, configuration["Admin:DisplayName"] ?? "Administrator", password, emailConfirmed: true, Roles.Admin);
            if (created is null)
            {
                LogAdminFailed(logger, email, string.Join(" ", result.Errors.Select(e => e.Description)));
                return;
            }
            LogAdminCreated(logger, email);
        }
        else if (!await users.IsInRoleAsync(member, Roles.Admin))
        {
            await users.AddToRoleAsync(member, Roles.Admin);
            LogAdminCreated(logger, email);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Admin:Email is {Email} but no account exists and Admin:Password is not set; no admin was created.")]
    private static partial void LogAdminNeedsPassword(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not create the admin {Email}: {Errors}")]
    private static partial void LogAdminFailed(ILogger logger, string email, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Email} is an admin.")]
    private static partial void LogAdminCreated(ILogger logger, string email);
}
