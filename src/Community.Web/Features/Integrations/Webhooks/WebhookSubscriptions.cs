using System.Collections.Frozen;
using Community.Web.Data;
using Community.Web.Infrastructure.Live;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>
/// Which event types some enabled endpoint wants, so features record (and shape) only events that will be sent. A community
/// with no endpoint then writes no outbox rows at all: every reply, sign-up and payment used to carry one or two inserts, their
/// JSON and a fan-out pass, for nobody. The set lives in memory on every server and is dropped on all of them whenever an endpoint
/// is created, edited, enabled, disabled or deleted (<see cref="ICacheSignals"/>). While it is unknown (at start, after a change,
/// after the signal listener reconnected) every event is recorded, as before: a doubt costs a row, never a lost event.
/// An event raised on another server in the milliseconds before the change's signal reaches it is not recorded for the new
/// endpoint, as if it had happened before the endpoint was added.
/// </summary>
public sealed partial class WebhookSubscriptions
{
    private const string Topic = "webhook-endpoints";
    private readonly IServiceScopeFactory _scopes;
    private readonly ICacheSignals _signals;
    private readonly ILogger<WebhookSubscriptions> _logger;
    private volatile Snapshot? _current;
    private long _version;
    private int _loading;

    public WebhookSubscriptions(IServiceScopeFactory scopes, ICacheSignals signals, ILogger<WebhookSubscriptions> logger)
    {
        (_scopes, _signals, _logger) = (scopes, signals, logger);
        signals.Subscribe(Topic, _ => Drop());
    }

    /// <summary>True when an enabled endpoint wants <paramref name="type"/> (a private event: one that opted in to private
    /// content), or when that is not known yet.</summary>
    public bool Wants(string type, bool isPrivate)
    {
        if (_current is { } known) return (isPrivate ? known.Private : known.Public).Contains(type);
        StartLoading();
        return true;
    }

    /// <summary>False until the endpoints have been read (and again after every change, until they are read again).</summary>
    public bool IsKnown => _current is not null;

    /// <summary>Call after an endpoint's change has committed: every server reads the endpoints again.</summary>
    public void Changed() => _signals.Publish(Topic, "*");

    private void Drop()
    {
        Interlocked.Increment(ref _version);
        _current = null;
    }

    private void StartLoading()
    {
        if (Interlocked.CompareExchange(ref _loading, 1, 0) != 0) return;
        _ = Task.Run(async () =>
        {
            try
            {
                // A change signalled while reading must not leave what was read before it: read again until nothing moved.
                while (true)
                {
                    var version = Interlocked.Read(ref _version);
                    var snapshot = await LoadAsync();
                    if (Interlocked.Read(ref _version) != version) continue;
                    _current = snapshot;
                    return;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The database is away: events keep being recorded, and the next one tries again.
                LogUnreadable(_logger, ex);
            }
            finally { Volatile.Write(ref _loading, 0); }
        });
    }

    private async Task<Snapshot> LoadAsync()
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CommunityDb>();
        var endpoints = await db.Set<WebhookEndpoint>().AsNoTracking().Where(e => e.Enabled)
            .Select(e => new { e.EventTypes, e.IncludePrivate }).ToListAsync();
        var all = endpoints.SelectMany(e => Types(e.EventTypes));
        var withPrivate = endpoints.Where(e => e.IncludePrivate).SelectMany(e => Types(e.EventTypes));
        return new Snapshot(all.ToFrozenSet(StringComparer.Ordinal), withPrivate.ToFrozenSet(StringComparer.Ordinal));
    }

    private static string[] Types(string eventTypes) => eventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the webhook endpoints; recording every event until they can be read")]
    private static partial void LogUnreadable(ILogger logger, Exception ex);

    private sealed record Snapshot(FrozenSet<string> Public, FrozenSet<string> Private);
}
