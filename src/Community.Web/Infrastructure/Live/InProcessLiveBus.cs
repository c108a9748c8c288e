using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>Single-server fan-out straight into the local hub's groups.</summary>
internal sealed class InProcessLiveBus(IHubContext<LiveHub> hub) : ILiveBus
{
    public Task PublishAsync(string group, string method, object payload, CancellationToken ct = default) =>
        hub.Clients.Group(group).SendAsync(method, payload, ct);
}
