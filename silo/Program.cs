using MonitorGrid.Hosting;
using MonitorGrid.Persistence;

// `migrate` applies the schema and exits (the Kubernetes migration Job); anything else runs the silo.
if (args is [MigrateCommand.Name, .. var rest])
{
    return await MigrateCommand.RunAsync(rest);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddMonitorGridSilo();
builder.Services.AddMonitorGridHealthChecks(builder.Configuration);

var app = builder.Build();

// A headless silo serves nothing but its health, for the orchestrator's probes.
app.MapMonitorGridHealth();
await app.RunAsync();
return 0;
