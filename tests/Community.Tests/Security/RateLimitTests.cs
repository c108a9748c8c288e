using Community.Tests.Infrastructure;

namespace Community.Tests.Security;

public sealed class StrictRateLimitFactory : CommunityFactory
{
    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["RateLimits:AuthPerWindow"] = "3" };
}

public sealed class RateLimitTests(StrictRateLimitFactory factory) : IClassFixture<StrictRateLimitFactory>
{
    [Fact]
    public async Task Sign_in_attempts_past_the_limit_get_429_with_retry_after()
    {
        using var client = factory.CreateApiClient();
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsync("/api/account/signin", new { email = "x@example.com", password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        var limited = await client.PostAsync("/api/account/signin", new { email = "x@example.com", password = "wrong password" });
        await ApiClient.ProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
