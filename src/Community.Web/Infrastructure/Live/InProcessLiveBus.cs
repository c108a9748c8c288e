using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>Single-server fan-out straight into the local hub's groups.</summary>
internal sealed class InProcessLiveBus(IHubContext<LiveHub> hub, ServerSignals signals) : ILiveBus
{
    public Task PublishAsync(string group, string method, object payload, CancellationToken ct = default) =>
        group == LiveGroups.Servers
            // Serialised like the PostgreSQL bus does, so handlers see the same shape on one server and on many.
            ? signals.DispatchAsync(method, JsonSerializer.SerializeToElement(payload, JsonSerializerOptions.Web))
            : hub.Clients.Group(group).SendAsync(method, payload, ct);
}
