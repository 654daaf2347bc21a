using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using MonitorGrid.Web.Api;
using MonitorGrid.Web.Auth;

namespace MonitorGrid.Web.Live;

/// <summary>The live hub at <c>/hubs/grid</c>: <c>Watch</c> returns a snapshot and starts updates.</summary>
[Authorize]
public sealed class GridHub(GridRelay relay, ScopeDirectory directory) : Hub<IGridClient>
{
    public async Task<ScopeStatus> Watch(string scope)
    {
        var caller = Caller.From(Context.User);
        if (!Scope.TryParse(scope, out var target))
        {
            throw new HubException($"'{scope}' is not a scope.");
        }

        if (await ScopeAccess.CheckAsync(caller, target, directory) is { } denied)
        {
            throw new HubException(denied.ProblemDetails.Detail);
        }

        var identities = Permissions.SeesIdentities(caller!.Role);
        await Groups.AddToGroupAsync(Context.ConnectionId, GridRelay.GroupName(target, identities));
        var snapshot = await relay.WatchAsync(Context.ConnectionId, target)
            ?? throw new HubException($"No scope '{target}'.");
        return identities ? snapshot : snapshot.Redacted();
    }

    public async Task Unwatch(string scope)
    {
        if (!Scope.TryParse(scope, out var target))
        {
            throw new HubException($"'{scope}' is not a scope.");
        }

        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GridRelay.GroupName(target, identities: true));
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GridRelay.GroupName(target, identities: false));
        await relay.UnwatchAsync(Context.ConnectionId, target);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => relay.DisconnectedAsync(Context.ConnectionId);
}
