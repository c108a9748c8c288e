namespace Community.Web.Features.Notifications;

/// <summary>Time zones from browsers, and when a member's next digest is due in their own morning.</summary>
public static class MemberMornings
{
    /// <summary>The zone for an IANA id (as <c>Intl.DateTimeFormat().resolvedOptions().timeZone</c> gives it), or null.</summary>
    public static TimeZoneInfo? Find(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64) return null;
        // HasIanaId: a Windows id such as "Pacific Standard Time" would be converted on Linux; we store IANA ids only.
        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId ? zone : null;
    }

    /// <summary>The first <paramref name="hour"/>:00 local time after <paramref name="utcNow"/> (on a Monday for weekly), in UTC.</summary>
    public static DateTime NextDue(DateTime utcNow, string? zoneId, string period, int hour)
    {
        var zone = Find(zoneId) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone);
        var candidate = local.Date.AddHours(hour);
        if (candidate <= local) candidate = candidate.AddDays(1);
        if (period == Deliveries.Weekly)
        {
            while (candidate.DayOfWeek != DayOfWeek.Monday) candidate = candidate.AddDays(1);
        }
        // A morning that a daylight-saving jump skips comes an hour later.
        if (zone.IsInvalidTime(candidate)) candidate = candidate.AddHours(1);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(candidate, DateTimeKind.Unspecified), zone);
    }
}
