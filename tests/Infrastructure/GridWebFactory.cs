using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Web.Demo;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// The real web host (co-hosted silo, in-memory mode) on Kestrel at a free loopback port, seeded with a
/// small demo city: 2 districts × 2 schools × 2 classes × 10 students. Tests talk to it over real HTTP
/// and real SignalR WebSockets.
/// </summary>
public sealed class GridWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TimeProvider? _time;
    private readonly IReadOnlyDictionary<string, string> _settings = new Dictionary<string, string>();
    private GridSessions? _sessions;

    public GridWebFactory() => UseKestrel(0);

    /// <summary>
    /// A host of its own whose every clock (grains, API, tokens) is <paramref name="time"/> (the system's when
    /// null), with more <paramref name="settings"/>. Not public: xunit allows a collection fixture one public constructor.
    /// </summary>
    internal GridWebFactory(TimeProvider? time, IReadOnlyDictionary<string, string>? settings = null)
        : this() => (_time, _settings) = (time, settings ?? new Dictionary<string, string>());

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        StartServer();
        BaseAddress = ClientOptions.BaseAddress;
        await Services.GetRequiredService<GridSeeder>().Completion.WaitAsync(TimeSpan.FromMinutes(2));
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orleans:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Auth:PasswordIterations", "1000");
        builder.UseSetting("Grid:DemoCity:Districts", "2");
        builder.UseSetting("Grid:DemoCity:SchoolsPerDistrict", "2");
        builder.UseSetting("Grid:DemoCity:ClassesPerSchool", "2");
        builder.UseSetting("Grid:DemoCity:StudentsPerClass", "10");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        TestClock.Use(builder, _time);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>An HTTP client signed in as <paramref name="userId"/> (password <c>demo</c> unless given).</summary>
    public async Task<HttpClient> ClientForAsync(string userId, string password = DemoCity.Password)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await TokenForAsync(userId, password));
        return client;
    }

    public Task<string> TokenForAsync(string userId, string password = DemoCity.Password) =>
        Sessions.TokenForAsync(userId, password);

    /// <summary>A started SignalR connection over WebSockets, signed in as <paramref name="userId"/>.</summary>
    public Task<BoardClient> BoardForAsync(string userId, string password = DemoCity.Password) =>
        Sessions.BoardForAsync(userId, password);

    private GridSessions Sessions => _sessions ??= new GridSessions(CreateClient, () => BaseAddress, _time);
}
