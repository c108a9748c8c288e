using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Community.Tests.Infrastructure;
using Community.Web.Data;
using Community.Web.Features.Referrals;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Community.Tests.Referrals;

public sealed record ApiKey(string Id, string Secret);

/// <summary>Shared steps for referral tests: joining through a code, signing events, reading the database.</summary>
public static class ReferralKit
{
    /// <summary>What refer.js does: read the dashboard, then have this browser remembered when it is new.</summary>
    public static async Task<JsonElement> DashboardAsync(this ApiClient client)
    {
        var dashboard = await ApiClient.ReadAsync<JsonElement>(await client.GetAsync("/api/referrals/me"));
        if (!dashboard.GetProperty("deviceKnown").GetBoolean())
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/referrals/me/device", new { })).StatusCode);
        return dashboard;
    }

    public static async Task<string> CodeAsync(this ApiClient client) => (await client.DashboardAsync()).GetProperty("code").GetString()!;

    /// <summary>Registers with an optional typed code (the client's cookies ride along), confirms and signs in.</summary>
    public static async Task<Me> JoinWithCodeAsync(this ApiClient client, string displayName, string? code, string? email = null)
    {
        email ??= $"{Guid.NewGuid():N}@example.com";
        var response = await client.PostAsync("/api/account/register", new { email, displayName, password = ApiClient.DefaultPassword, referralCode = code });
        await ApiClient.ReadAsync<JsonElement>(response, HttpStatusCode.Accepted);
        await client.ConfirmFromMailAsync(email);
        return await client.SignInAsync(email);
    }

    public static async Task<ApiKey> CreateKeyAsync(CommunityFactory factory)
    {
        using var admin = await factory.MemberAsync("Key Admin", "Admin");
        var created = await ApiClient.ReadAsync<JsonElement>(await admin.PostAsync("/api/admin/referrals/keys", new { name = "Product" }), HttpStatusCode.Created);
        return new ApiKey(created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    public static async Task<HttpResponseMessage> PostEventAsync(this CommunityFactory factory, HttpClient http, ApiKey key, object body,
        string? idempotencyKey = null, long? timestamp = null, string? secretOverride = null)
    {
        var json = body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/referrals/events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        var t = timestamp ?? factory.Clock.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(ApiKeys.KeyHeader, key.Id);
        request.Headers.Add(ApiKeys.SignatureHeader, ApiKeys.Sign(secretOverride ?? key.Secret, t, json));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await http.SendAsync(request);
    }

    public static async Task<JsonElement> EventOkAsync(this CommunityFactory factory, HttpClient http, ApiKey key, object body, string? idempotencyKey = null) =>
        await ApiClient.ReadAsync<JsonElement>(await factory.PostEventAsync(http, key, body, idempotencyKey));

    public static async Task<T> DbAsync<T>(this CommunityFactory factory, Func<CommunityDb, Task<T>> query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CommunityDb>());
    }

    public static Task<List<LedgerEntry>> LedgerAsync(this CommunityFactory factory, string memberId) =>
        factory.DbAsync(db => db.Set<LedgerEntry>().AsNoTracking().Where(e => e.MemberId == memberId).OrderBy(e => e.Id).ToListAsync());

    public static Task<Referral?> ReferralOfAsync(this CommunityFactory factory, string memberId) =>
        factory.DbAsync(db => db.Set<Referral>().AsNoTracking().FirstOrDefaultAsync(r => r.ReferredMemberId == memberId));

    public static async Task SetProgramAsync(this CommunityFactory factory, Action<Dictionary<string, object?>> change)
    {
        using var admin = await factory.MemberAsync("Program Admin", "Marketing");
        var current = await ApiClient.ReadAsync<Dictionary<string, object?>>(await admin.GetAsync("/api/admin/referrals/program"));
        change(current);
        await ApiClient.ReadAsync<JsonElement>(await admin.PutAsync("/api/admin/referrals/program", current));
    }

    /// <summary>After the test clock jumps past the sign-in cookie's life: a fresh anonymous token, then sign in again.</summary>
    public static async Task SignInAgainAsync(this ApiClient client)
    {
        await client.CsrfAsync(refresh: true);
        await client.SignInAsync(client.Current!.Email);
    }

    public static long Number(this JsonElement e, string name) => e.GetProperty(name).GetInt64();
}
