using System.Security.Claims;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Notifications;

public sealed record TopicPreference(string Topic, string Label, string Delivery, string Default);

public sealed record NotificationPreferencesDto(string TimeZone, IReadOnlyList<TopicPreference> Topics, IReadOnlyList<string> Deliveries);

/// <summary>Topics absent from <see cref="Topics"/> keep their setting; a missing <see cref="TimeZone"/> keeps the stored zone.</summary>
public sealed record UpdateNotificationPreferences(string? TimeZone, Dictionary<string, string?>? Topics);

/// <summary>GET and PUT /api/me/notification-preferences: how the member hears about each topic by email, and their time zone
/// (digests arrive in their morning).</summary>
public static class NotificationPreferencesEndpoint
{
    public static void Map(IEndpointRouteBuilder members)
    {
        members.MapGet("/me/notification-preferences", async (ClaimsPrincipal user, CommunityDb db, HttpContext http, CancellationToken ct) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(await ReadAsync(db, MemberId(user), ct));
        });
        members.MapPut("/me/notification-preferences", UpdateAsync);
    }

    internal static async Task<Results<Ok<NotificationPreferencesDto>, ValidationProblem>> UpdateAsync(UpdateNotificationPreferences request,
        ClaimsPrincipal user, CommunityDb db, TimeProvider clock, NotificationOptions options, CancellationToken ct)
    {
        var memberId = MemberId(user);
        var errors = new FieldErrors();
        var zone = request.TimeZone?.Trim();
        if (zone is not null && MemberMornings.Find(zone) is null)
            errors.Add("timeZone", "Use a time zone from the IANA list, such as Europe/Berlin or America/New_York.");
        foreach (var (topic, delivery) in request.Topics ?? [])
        {
            if (!NotificationTopics.IsKnown(topic)) errors.Add($"topics.{topic}", "There is no such notification topic.");
            else if (delivery is null || !Deliveries.All.Contains(delivery))
                errors.Add($"topics.{topic}", $"Choose one of: {string.Join(", ", Deliveries.All)}.");
        }
        if (errors.Any) return errors.ToProblem();

        await using var tx = await db.BeginWriteAsync(ct);
        foreach (var (topic, delivery) in request.Topics ?? [])
            await NotificationStore.SetDeliveryAsync(db, memberId, topic, delivery!, ct);
        if (zone is not null)
        {
            await NotificationStore.SetTimeZoneAsync(db, memberId, zone, ct);
            // A waiting digest moves to the morning of the new zone.
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var due in await db.Set<DigestDue>().Where(d => d.MemberId == memberId).ToListAsync(ct))
                due.DueAt = MemberMornings.NextDue(now, zone, due.Period, options.DigestHour);
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(await ReadAsync(db, memberId, ct));
    }

    internal static async Task<NotificationPreferencesDto> ReadAsync(CommunityDb db, string memberId, CancellationToken ct)
    {
        var deliveries = await NotificationStore.DeliveriesAsync(db, memberId, ct);
        var zone = await db.Set<MailSettings>().AsNoTracking().Where(s => s.MemberId == memberId).Select(s => s.TimeZone).FirstOrDefaultAsync(ct);
        return new NotificationPreferencesDto(zone ?? "UTC",
            [.. NotificationTopics.All.Select(t => new TopicPreference(t.Topic, t.Label, deliveries[t.Topic], t.Default))], Deliveries.All);
    }

    private static string MemberId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;
}
