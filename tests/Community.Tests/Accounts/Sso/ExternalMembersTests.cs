using System.Diagnostics;
using Community.Tests.Infrastructure;
using Community.Web.Features.Accounts.Product;
using Community.Web.Infrastructure.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Accounts.Sso;

/// <summary>Issue #11: group-mapped roles and provider avatars.</summary>
public sealed class ExternalMembersTests(SsoFactory factory) : IClassFixture<SsoFactory>
{
    [Fact]
    public async Task Groups_add_and_remove_only_mapped_roles()
    {
        using var api = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite);
        using var local = factory.CreateApiClient();
        var me = await local.JoinAsync("Gail Groups");
        await factory.GrantRolesAsync(me.Id, "Marketing");
        var url = "/api/members/external/gail-1";

        await api.PutAsJsonAsync(url, new { email = me.Email, emailVerified = true, groups = new[] { "community-moderators", "beta" } });
        var member = (await factory.MemberByExternalIdAsync("gail-1"))!;
        Assert.Equal(["Marketing", "Member", "Moderator"], (await factory.RolesOfAsync(member)).Order(StringComparer.Ordinal));

        await api.PutAsJsonAsync(url, new { plan = "Pro" }); // no groups sent: roles untouched
        Assert.Contains("Moderator", await factory.RolesOfAsync(member));

        await api.PutAsJsonAsync(url, new { groups = Array.Empty<string>() });
        Assert.Equal(["Marketing", "Member"], (await factory.RolesOfAsync(member)).Order(StringComparer.Ordinal));
        var me2 = await ApiClient.ReadAsync<Me>(await local.GetAsync("/api/me")); // the open session follows at once
        Assert.DoesNotContain("Moderator", me2.Roles);
    }

    [Fact]
    public async Task An_https_avatar_goes_through_the_image_pipeline_and_bad_ones_are_refused_with_a_reason()
    {
        using var api = await SyncApi.ClientAsync(factory, ApiScopes.MembersWrite);
        var put = await api.PutAsJsonAsync("/api/members/external/ava-1",
            new { email = "ava@x.example", avatarUrl = $"https://{AvatarHost.Host}/ok.png" });
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var avatar = await Eventually.ValueAsync(async () => (await factory.MemberByExternalIdAsync("ava-1"))!.AvatarUrl, a => a is not null);
        Assert.StartsWith("/media/", avatar, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().GetAsync(avatar)).StatusCode);

        var imports = factory.Services.GetRequiredService<AvatarImports>();
        var id = (await factory.MemberByExternalIdAsync("ava-1"))!.Id;
        Assert.Equal("not an https URL", await imports.ImportAsync(id, $"http://{AvatarHost.Host}/ok.png", default));
        Assert.Contains("private", await imports.ImportAsync(id, "https://127.0.0.1:9/a.png", default), StringComparison.Ordinal);
        Assert.Contains("private", await imports.ImportAsync(id, "https://10.1.2.3:9/a.png", default), StringComparison.Ordinal);
        Assert.Equal("larger than 5 MB", await imports.ImportAsync(id, $"https://{AvatarHost.Host}/huge.png", default));
        Assert.Equal("larger than 5 MB", await imports.ImportAsync(id, $"https://{AvatarHost.Host}/huge-unannounced.png", default));
        Assert.StartsWith("not an acceptable image", await imports.ImportAsync(id, $"https://{AvatarHost.Host}/text.png", default),
            StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();
        Assert.Equal("no answer within 5 s", await imports.ImportAsync(id, $"https://{AvatarHost.Host}/slow.png", default));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(20));
        Assert.Equal(avatar, (await factory.MemberByExternalIdAsync("ava-1"))!.AvatarUrl);
    }

    [Fact]
    public async Task A_slow_avatar_host_does_not_delay_sign_in()
    {
        using var browser = factory.CreateApiClient();
        var start = await browser.GetAsync("/auth/connect/start");
        var (nonce, back) = AcmeProduct.Read(start.Headers.Location!);
        var clock = Stopwatch.StartNew();
        var callback = await browser.GetAsync(AcmeProduct.Answer(back,
            [new("nonce", nonce), new("external_id", "slow-ava"), new("email", "slow.ava@x.example"), new("avatar_url", $"https://{AvatarHost.Host}/slow.png")]));
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"sign-in took {clock.Elapsed}");
    }
}
