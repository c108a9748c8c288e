using Community.Web.Infrastructure.Mail;
using Community.Web.Infrastructure.Pages;

namespace Community.Web.Features.Accounts;

/// <summary>The account emails. Links use the configured public base URL, never the request's Host header in production.</summary>
public sealed class AccountEmails(EmailOutbox outbox, SiteOptions site, IHttpContextAccessor http, IWebHostEnvironment env)
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

    public string Link(string path, params (string Key, string Value)[] query) =>
        BaseUrl() + path + "?" + string.Join("&", query.Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value)));

    public string BaseUrl()
    {
        if (!string.IsNullOrEmpty(site.PublicBaseUrl)) return site.PublicBaseUrl.TrimEnd('/');
        var request = http.HttpContext?.Request;
        return request is not null && (env.IsDevelopment() || env.IsEnvironment("Testing") || request.Host.Host is "127.0.0.1" or "localhost")
            ? $"{request.Scheme}://{request.Host}"
            : "http://127.0.0.1:5000";
    }
}
