namespace Community.Web.Infrastructure.Live;

/// <summary>
/// Delivers live messages to SignalR groups on every server. Publish after the database transaction commits,
/// with the payload already built, so one write costs one read however many people are watching.
/// </summary>
public interface ILiveBus
{
    Task PublishAsync(string group, string method, object payload, CancellationToken ct = default);
}

/// <summary>Group names. Every signed-in connection joins its member group automatically.</summary>
public static class LiveGroups
{
    /// <summary>Not a browser group: messages to it go to every server's <see cref="ServerSignals"/>.</summary>
    public const string Servers = "@servers";

    public static string Member(string memberId) => "member:" + memberId;
}
