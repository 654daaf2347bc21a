using MonitorGrid.Hosting;
using MonitorGrid.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMonitorGridSilo();
builder.AddMonitorGridWeb();

var app = builder.Build();
app.MapMonitorGrid();
app.Run();

/// <summary>The web host's entry point, visible to <c>WebApplicationFactory</c>.</summary>
public partial class Program;
