using MonitorGrid.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddMonitorGridSilo();
builder.Build().Run();
