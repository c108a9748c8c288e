using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Community.Web.Infrastructure.Live;

/// <summary>
/// The one hub every page connects to (/hubs/live). It is for delivery, typing and presence only: writes go
/// through the HTTP API. Features add their hub methods in partial class files in their own folders.
/// </summary>
public sealed partial class LiveHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (Context.User?.FindFirstValue(ClaimTypes.NameIdentifier) is { } memberId)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Member(memberId));
        }
        await base.OnConnectedAsync();
    }
}
