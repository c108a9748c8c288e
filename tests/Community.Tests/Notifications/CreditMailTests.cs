using Community.Tests.Infrastructure;
using Community.Tests.Referrals;

namespace Community.Tests.Notifications;

/// <summary>Referral credits are a notification topic too: mailed when granted, or gathered into the member's digest.</summary>
public sealed class CreditMailTests : IClassFixture<NotificationFactory>
{
    private readonly NotificationFactory _factory;

    public CreditMailTests(NotificationFactory factory) => _factory = factory;

    [Fact]
    public async Task A_credit_is_mailed_when_granted_or_waits_for_the_digest_when_the_member_chose_one()
    {
        _factory.SetTime(new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero));
        using var advocate = await _factory.MemberAsync("Credit Advocate");
        var code = await advocate.CodeAsync();
        using (var friend = _factory.CreateApiClient()) await friend.JoinWithCodeAsync("Credit Friend", code);

        var mail = await _factory.Smtp.WaitForAsync(advocate.Current!.Email, "referral credits");
        Assert.Contains("Someone joined with your link", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("http://localhost/refer", mail.Text, StringComparison.Ordinal);
        Assert.NotNull(mail.Header("List-Unsubscribe"));

        await Notify.SetAsync(advocate, topics: new Dictionary<string, string> { ["credits"] = "daily" });
        _factory.Clock.Advance(TimeSpan.FromMinutes(5));
        using (var second = _factory.CreateApiClient()) await second.JoinWithCodeAsync("Credit Second", code);
        Assert.Single(await _factory.OutboxAsync(advocate.Current.Email, "referral credits"));

        _factory.SetTime(new DateTimeOffset(2026, 12, 9, 8, 1, 0, TimeSpan.Zero));
        await _factory.RunDigestsAsync();
        var digest = await _factory.Smtp.WaitForAsync(advocate.Current.Email, "Your daily Community digest: 1 new notification");
        Assert.Contains("Referral credits you earn", digest.Text, StringComparison.Ordinal);
        Assert.Contains("Someone joined with your link", digest.Text, StringComparison.Ordinal);
    }
}
