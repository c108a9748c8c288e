namespace Community.Web.Features.Accounts.Product;

/// <summary>What product sign-in and sync write to the log: field names, member ids and hosts, never values, tokens or secrets.</summary>
internal static partial class SsoLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Source} profile was refused: {Errors}")]
    public static partial void ProfileRefused(this ILogger log, ProductSource source, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Source} profile's unverified email matches member {MemberId}: not linked")]
    public static partial void UnverifiedEmailNotLinked(this ILogger log, ProductSource source, string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Source} profile's email belongs to member {MemberId}, linked to another product user")]
    public static partial void EmailLinkedElsewhere(this ILogger log, ProductSource source, string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Custom attributes of member {MemberId} exceed {Max} characters; the old ones are kept")]
    public static partial void CustomTooLarge(this ILogger log, string memberId, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Member {MemberId}'s new product email belongs to another account; the old address is kept")]
    public static partial void EmailTaken(this ILogger log, string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sso:GroupRoles:{Group} names an unknown role; it is ignored")]
    public static partial void UnknownRole(this ILogger log, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Avatar import queue full; member {MemberId}'s avatar is skipped")]
    public static partial void AvatarQueueFull(this ILogger log, string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Avatar import for member {MemberId} failed")]
    public static partial void AvatarFailed(this ILogger log, Exception ex, string memberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Avatar for member {MemberId} from {Host} refused: {Reason}")]
    public static partial void AvatarRefused(this ILogger log, string memberId, string host, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Source} sign-in refused: {Reason}")]
    public static partial void SignInRefused(this ILogger log, ProductSource source, string reason);
}
