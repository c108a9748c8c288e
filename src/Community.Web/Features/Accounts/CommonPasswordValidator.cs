using Microsoft.AspNetCore.Identity;

namespace Community.Web.Features.Accounts;

/// <summary>Refuses passwords that are on every attacker's first list or that contain the member's own name or email.</summary>
internal sealed class CommonPasswordValidator : IPasswordValidator<Member>
{
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "password1", "password12", "password123", "password1234", "passw0rd", "123456789", "1234567890",
        "12345678910", "qwertyuiop", "qwerty1234", "qwerty12345", "iloveyou12", "letmein123", "welcome123", "admin12345",
        "abc1234567", "1q2w3e4r5t", "1qaz2wsx3edc", "zaq12wsxcde", "0987654321", "1111111111", "aaaaaaaaaa", "changeme123",
        "community1", "community123", "football123", "baseball123", "sunshine12", "princess12", "dragon1234", "monkey1234",
    };

    public Task<IdentityResult> ValidateAsync(UserManager<Member> manager, Member user, string? password)
    {
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success);
        if (password.Length > MemberRules.PasswordMax)
            return Fail("PasswordTooLong", $"Use at most {MemberRules.PasswordMax} characters.");
        if (Common.Contains(password))
            return Fail("PasswordCommon", "This password is too common. Pick something less guessable.");
        var local = user.Email?.Split('@')[0];
        if ((local is { Length: >= 4 } && password.Contains(local, StringComparison.OrdinalIgnoreCase))
            || (user.DisplayName.Length >= 4
                && password.Contains(user.DisplayName.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)))
            return Fail("PasswordPersonal", "Your password must not contain your name or email.");
        return Task.FromResult(IdentityResult.Success);
    }

    private static Task<IdentityResult> Fail(string code, string description) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = code, Description = description }));
}
