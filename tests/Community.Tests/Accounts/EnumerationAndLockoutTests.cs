using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Community.Tests.Accounts;

/// <summary>Counts password-hash work, so "same work for known and unknown addresses" is checked without timing anything.</summary>
public sealed class CountingHasher : IPasswordHasher<Member>
{
    private readonly PasswordHasher<Member> _inner = new();
    private int _work;

    public int Work => Volatile.Read(ref _work);

    public string HashPassword(Member user, string password)
    {
        Interlocked.Increment(ref _work);
        return _inner.HashPassword(user, password);
    }

    public PasswordVerificationResult VerifyHashedPassword(Member user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _work);
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

/// <summary>Clients told apart by X-Forwarded-For (as behind a proxy), and a hasher that counts its work.</summary>
public sealed class ClientAddressFactory : CommunityFactory
{
    public CountingHasher Hasher { get; } = new();

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?> { ["ForwardedHeaders:Enabled"] = "true" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IPasswordHasher<Member>>();
            services.AddSingleton<IPasswordHasher<Member>>(Hasher);
        });
    }

    public ApiClient ClientAt(string address)
    {
        var client = CreateApiClient();
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }
}

/// <summary>Issue #9, item 9: sign-up and sign-in never tell a stranger whether an address is registered, and nobody can lock the owner out.</summary>
public sealed class EnumerationAndLockoutTests(ClientAddressFactory factory) : IClassFixture<ClientAddressFactory>
{
    private static int _address;

    private static string NextAddress() => $"203.0.113.{Interlocked.Increment(ref _address)}";

    [Fact]
    public async Task Sign_up_for_a_registered_email_answers_like_a_new_one_and_mails_the_owner_instead()
    {
        using var owner = await factory.MemberAsync("Known Owner");
        var email = owner.Current!.Email;
        using var stranger = factory.ClientAt(NextAddress());

        var before = factory.Hasher.Work;
        var fresh = await stranger.PostAsync("/api/account/register", new { email = $"new.{Guid.NewGuid():N}@example.com", displayName = "New Person", password = ApiClient.DefaultPassword });
        var freshWork = factory.Hasher.Work - before;
        before = factory.Hasher.Work;
        var taken = await stranger.PostAsync("/api/account/register", new { email = email.ToUpperInvariant(), displayName = "Someone Else", password = ApiClient.DefaultPassword });
        var takenWork = factory.Hasher.Work - before;

        Assert.Equal(HttpStatusCode.Accepted, fresh.StatusCode);
        Assert.Equal(fresh.StatusCode, taken.StatusCode);
        Assert.Equal(await fresh.Content.ReadAsStringAsync(), await taken.Content.ReadAsStringAsync());
        Assert.Equal(freshWork, takenWork);

        // The owner hears about it through the normal outbox (.eml here), with the way back in.
        var mail = await owner.Mail.WaitForAsync(email, "You already have a Community account");
        Assert.Contains("/signin", mail, StringComparison.Ordinal);
        Assert.Contains("/forgot-password", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_up_with_a_weak_password_is_refused_alike_for_registered_and_new_emails()
    {
        using var owner = await factory.MemberAsync("Weak Owner");
        using var stranger = factory.ClientAt(NextAddress());
        var fresh = await ApiClient.ProblemAsync(await stranger.PostAsync("/api/account/register",
            new { email = $"new.{Guid.NewGuid():N}@example.com", displayName = "New Person", password = "password123" }), HttpStatusCode.BadRequest);
        var taken = await ApiClient.ProblemAsync(await stranger.PostAsync("/api/account/register",
            new { email = owner.Current!.Email, displayName = "New Person", password = "password123" }), HttpStatusCode.BadRequest);
        Assert.Equal(fresh.Errors, taken.Errors);
    }

    [Fact]
    public async Task Sign_in_answers_and_hash_work_are_the_same_for_known_and_unknown_emails()
    {
        using var owner = await factory.MemberAsync("Guessed Owner");
        using var guesser = factory.ClientAt(NextAddress());
        var known = await AttemptsAsync(guesser, owner.Current!.Email, 7);
        var unknown = await AttemptsAsync(guesser, $"nobody.{Guid.NewGuid():N}@example.com", 7);
        Assert.Equal(known, unknown);
        Assert.Equal(Enumerable.Repeat("401 work=1", 5).Concat(Enumerable.Repeat("429 throttled work=0", 2)), known);
    }

    [Fact]
    public async Task An_attackers_wrong_passwords_do_not_keep_the_owner_out()
    {
        using var owner = await factory.MemberAsync("Targeted Owner");
        var email = owner.Current!.Email;
        using var attacker = factory.ClientAt(NextAddress());
        var answers = await AttemptsAsync(attacker, email, 8);
        Assert.StartsWith("429", answers[^1], StringComparison.Ordinal);

        using var ownerElsewhere = factory.ClientAt(NextAddress());
        var me = await ownerElsewhere.SignInAsync(email);
        Assert.Equal(email, me.Email);
    }

    [Fact]
    public async Task Lockout_from_many_clients_is_only_told_to_the_password_holder_and_the_mailed_link_lifts_it()
    {
        using var owner = await factory.MemberAsync("Besieged Owner");
        var email = owner.Current!.Email;
        // Accounts:MaxFailedSignIns (10) needs two clients at Accounts:FailedSignInsPerClient (5) each.
        foreach (var address in new[] { NextAddress(), NextAddress() })
        {
            using var attacker = factory.ClientAt(address);
            Assert.All(await AttemptsAsync(attacker, email, 5), a => Assert.StartsWith("401", a, StringComparison.Ordinal));
        }

        using var third = factory.ClientAt(NextAddress());
        var wrong = await ApiClient.ProblemAsync(await third.PostAsync("/api/account/signin", new { email, password = "still guessing" }), HttpStatusCode.Unauthorized);
        Assert.Equal("The email or password is incorrect.", wrong.Detail);
        using var ownerClient = factory.ClientAt(NextAddress());
        var locked = await ApiClient.ProblemAsync(await ownerClient.PostAsync("/api/account/signin", new { email, password = ApiClient.DefaultPassword }),
            HttpStatusCode.TooManyRequests);
        Assert.Equal("locked_out", locked.Code);

        var mail = await owner.Mail.WaitForAsync(email, "Signing in to Community is paused");
        var link = System.Web.HttpUtility.ParseQueryString(Mailbox.LinkIn(mail, "/reset-password").Query);
        const string fresh = "a brand new passphrase for me";
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.PostAsync("/api/account/reset-password", new { email = link["email"], token = link["token"], password = fresh })).StatusCode);
        var me = await ownerClient.SignInAsync(email, fresh);
        Assert.Equal(email, me.Email);
    }

    /// <summary>Each attempt as "status [code] work=n", n being the password-hash work it cost.</summary>
    private async Task<List<string>> AttemptsAsync(ApiClient client, string email, int count)
    {
        var answers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var before = factory.Hasher.Work;
            var response = await client.PostAsync("/api/account/signin", new { email, password = $"wrong guess {i}" });
            var problem = await ApiClient.ProblemAsync(response, response.StatusCode);
            var work = factory.Hasher.Work - before;
            answers.Add($"{(int)response.StatusCode}{(problem.Code is null ? "" : " " + problem.Code)} work={work}");
        }
        return answers;
    }
}
