using Community.Tests.Infrastructure;

namespace Community.Tests.Accounts;

/// <summary>Bad input gets a clear ProblemDetails with the field named, never a 500, and nothing is written.</summary>
public sealed class AccountValidationTests(CommunityFactory factory) : IClassFixture<CommunityFactory>
{
    [Theory]
    [InlineData("", "Ana", "long enough password", "email")]
    [InlineData("not-an-email", "Ana", "long enough password", "email")]
    [InlineData("a@b", "Ana", "long enough password", "email")]
    [InlineData("ok@example.com", "", "long enough password", "displayName")]
    [InlineData("ok@example.com", "A", "long enough password", "displayName")]
    [InlineData("ok@example.com", "Ana", "short", "password")]
    [InlineData("ok@example.com", "Ana", "password123", "password")]
    [InlineData("ok@example.com", "Ana", "", "password")]
    public async Task Register_rejects_bad_fields_with_field_errors(string email, string displayName, string password, string field)
    {
        using var client = factory.CreateApiClient();
        var problem = await ApiClient.ProblemAsync(await client.PostAsync("/api/account/register", new { email, displayName, password }), HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors!.Keys);
        Assert.Equal(0, client.Mail.CountTo("ok@example.com"));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"email\": ")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        using var client = factory.CreateApiClient();
        var problem = await ApiClient.ProblemAsync(await client.PostRawAsync("/api/account/register", body), HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(problem.Detail));
    }

    [Fact]
    public async Task Oversized_body_is_a_413_problem()
    {
        using var client = factory.CreateApiClient();
        var huge = new string('x', 600 * 1024);
        await ApiClient.ProblemAsync(await client.PostAsync("/api/account/register", new { email = "big@example.com", displayName = huge, password = huge }), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401()
    {
        using var member = await factory.MemberAsync("Known Person");
        using var client = factory.CreateApiClient();
        var wrong = await ApiClient.ProblemAsync(await client.PostAsync("/api/account/signin", new { email = member.Current!.Email, password = "not the password" }), HttpStatusCode.Unauthorized);
        var unknown = await ApiClient.ProblemAsync(await client.PostAsync("/api/account/signin", new { email = "nobody@example.com", password = "not the password" }), HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.Detail, unknown.Detail);
    }

    [Fact]
    public async Task Unknown_api_route_is_a_404_problem()
    {
        using var client = factory.CreateApiClient();
        await ApiClient.ProblemAsync(await client.GetAsync("/api/does-not-exist"), HttpStatusCode.NotFound);
    }
}
