using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Accounts;

/// <summary>The account emails. Links use the site's public address, never the request's Host header.</summary>
public sealed class AccountEmails(EmailOutbox outbox, SiteOptions site, PublicUrls urls)
{
    public void Confirm(Member member, string token) => outbox.Enqueue(member.Email!,
        $"Confirm your email for {site.Name}",
        $"""
        Hi {member.DisplayName},

        Welcome to {site.Name}! Please confirm your email address by opening this link:

        {Link("/confirm-email", ("userId", member.Id), ("token", token))}

        If you did not sign up, you can ignore this message.
        """);

    public void ResetPassword(Member member, string token) => outbox.Enqueue(member.Email!,
        $"Reset your {site.Name} password",
        $"""
        Hi {member.DisplayName},

        Someone (hopefully you) asked to reset your password. Open this link to choose a new one:

        {Link("/reset-password", ("email", member.Email!), ("token", token))}

        The link works once and expires. If you did not ask for this, you can ignore this message.
        """);

    /// <summary>Sent instead of an error when someone signs up with an address that already has an account.</summary>
    public void AlreadyRegistered(Member member) => outbox.Enqueue(member.Email!,
        $"You already have a {site.Name} account",
        $"""
        Hi {member.DisplayName},

        Someone (hopefully you) tried to create a {site.Name} account with this address, but you already have one.

        Sign in here: {urls.Absolute("/signin")}
        Forgot your password? Reset it here: {urls.Absolute("/forgot-password")}

        If this wasn't you, you can ignore this message: nothing has changed.
        """);

    /// <summary>Sent when wrong passwords lock the account: the reset link lifts the lockout, so a guesser cannot keep the owner out.</summary>
    public void LockedOut(Member member, string resetToken) => outbox.Enqueue(member.Email!,
        $"Signing in to {site.Name} is paused",
        $"""
        Hi {member.DisplayName},

        Someone entered the wrong password for your account several times, so signing in is paused for a few minutes.

        If it was you, reset your password with this link; it also unlocks your account at once:

        {Link("/reset-password", ("email", member.Email!), ("token", resetToken))}

        If it wasn't you, your password is still safe and you can ignore this message.
        """);

    public string Link(string path, params (string Key, string Value)[] query) =>
        BaseUrl() + path + "?" + string.Join("&", query.Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value)));

    public string BaseUrl() => urls.Base;
}
