using System.Text.Json;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// Something every server must act on at once (a member's sessions changed, a thread became private), sent over the
/// live bus to <see cref="LiveGroups.Servers"/> instead of to browsers. On PostgreSQL each server, the sender included,
/// receives it in channel order, before any message published after it.
/// </summary>
public interface IServerSignalHandler
{
    /// <summary>The bus method name this handler answers, e.g. "session".</summary>
    string Method { get; }
    Task HandleAsync(JsonElement payload);
}

/// <summary>Hands server signals to their handlers; resolved lazily so handlers may depend on what depends on the bus.</summary>
public sealed partial class ServerSignals(IServiceProvider services, ILogger<ServerSignals> logger)
{
    private IServerSignalHandler[]? _handlers;

    public async Task DispatchAsync(string method, JsonElement payload)
    {
        _handlers ??= [.. services.GetServices<IServerSignalHandler>()];
        foreach (var handler in _handlers)
        {
            if (!string.Equals(handler.Method, method, StringComparison.Ordinal)) continue;
            try
            {
                await handler.HandleAsync(payload);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, method, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Server signal {Method} failed")]
    private static partial void LogFailed(ILogger logger, string method, Exception ex);
}
