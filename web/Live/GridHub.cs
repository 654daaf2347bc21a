using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using MonitorGrid.Web.Api;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Imports;

namespace MonitorGrid.Web.Live;

/// <summary>The live hub at <c>/hubs/grid</c>: <c>Watch</c> returns a snapshot and starts updates.</summary>
[Authorize]
public sealed class GridHub(GridRelay relay, ImportRelay imports, IImportStore importStore, ScopeDirectory directory) : Hub<IGridClient>
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

    /// <summary>Follows an import's progress (docs/imports.md): its creator or an Admin only.</summary>
    public async Task<ImportJob> WatchImport(string importId)
    {
        var caller = Caller.From(Context.User)!;
        var job = await importStore.GetAsync(importId);
        if (job is null || !ImportsApi.CanSee(caller, job))
        {
            throw new HubException($"No import '{importId}' you may see.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, ImportRelay.GroupName(importId));
        return ImportsApi.Latest(job, await imports.WatchAsync(Context.ConnectionId, importId));
    }

    public async Task UnwatchImport(string importId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, ImportRelay.GroupName(importId));
        await imports.UnwatchAsync(Context.ConnectionId, importId);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await relay.DisconnectedAsync(Context.ConnectionId);
        await imports.DisconnectedAsync(Context.ConnectionId);
    }
}
