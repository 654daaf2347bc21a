using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// The real web host (co-hosted silo) in persistent mode on one PostgreSQL database, on Kestrel at a free
/// loopback port: no demo city, the <c>admin</c> account from <c>Grid:AdminPassword</c>, a fixed signing key.
/// A restart disposes the host and starts a new one on the same database with the same key, so tokens
/// issued before it stay valid; the same ServiceId and ClusterId make it the same deployment.
/// </summary>
public sealed class DurableGridHost : WebApplicationFactory<Program>
{
    public const string AdminId = "admin";
    public const string AdminPassword = "durable-admin-1234";
    public const string SigningKey = "monitorgrid-durability-tests-signing-key-0123456789";

    private static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(90);

    private GridSessions? _sessions;

    /// <summary>
    /// A host not started yet; <see cref="StartAsync(TimeSpan?)"/> starts it. With <paramref name="time"/>, every
    /// clock of the host (grains, API, tokens) is that one.
    /// </summary>
    public DurableGridHost(
        string connectionString, string? adminPassword = AdminPassword, string signingKey = SigningKey, TimeProvider? time = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        ConnectionString = connectionString;
        Settings = settings ?? new Dictionary<string, string>();
        AdminPasswordSetting = adminPassword;
        SigningKeySetting = signingKey;
        Time = time;
        UseKestrel(0);
    }

    /// <summary>The application's connection string (<c>ConnectionStrings:MonitorGrid</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>The <c>Grid:AdminPassword</c> given to the host, or null when it has none.</summary>
    public string? AdminPasswordSetting { get; }

    public string SigningKeySetting { get; }

    /// <summary>More configuration for the host (e.g. short SLA deadlines), kept across restarts.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The host's clock when a test gives one; null for the system's.</summary>
    public TimeProvider? Time { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Starts a host on <paramref name="connectionString"/> and waits until <c>/health/ready</c> is 200.</summary>
    public static async Task<DurableGridHost> StartAsync(
        string connectionString, string? adminPassword = AdminPassword, string signingKey = SigningKey, TimeProvider? time = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var host = new DurableGridHost(connectionString, adminPassword, signingKey, time, settings);
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (migrating the schema, starting the silo) and waits until it is ready.</summary>
    public async Task StartAsync(TimeSpan? readyTimeout = null)
    {
        // StartServer blocks while the host starts: keep it off the test's thread.
        await Task.Run(StartServer);
        BaseAddress = ClientOptions.BaseAddress;
        await WaitUntilReadyAsync(readyTimeout);
    }

    /// <summary>Stops this host and starts a new one on the same database, with the same settings.</summary>
    public async Task<DurableGridHost> RestartAsync()
    {
        await DisposeAsync();
        return await StartAsync(ConnectionString, AdminPasswordSetting, SigningKeySetting, Time, Settings);
    }

    /// <summary>The status code of a health endpoint, or null when the request itself failed.</summary>
    public async Task<HttpStatusCode?> HealthAsync(string path)
    {
        using var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(10);
        try
        {
            using var response = await client.GetAsync(path);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultReadyTimeout);
        HttpStatusCode? last;
        while ((last = await HealthAsync("/health/ready")) != HttpStatusCode.OK)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"/health/ready did not answer 200 in time (last: {last?.ToString() ?? "no answer"}).");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>An HTTP client signed in as <paramref name="userId"/>.</summary>
    public async Task<HttpClient> ClientForAsync(string userId, string password) => ClientWithToken(await TokenForAsync(userId, password));

    /// <summary>An HTTP client signed in as <c>admin</c>.</summary>
    public Task<HttpClient> AdminClientAsync() =>
        ClientForAsync(AdminId, AdminPasswordSetting ?? throw new InvalidOperationException("This host has no admin password."));

    /// <summary>An HTTP client that presents <paramref name="token"/>, e.g. one issued by an earlier host.</summary>
    public HttpClient ClientWithToken(string token)
    {
        var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    /// <summary>A token from <c>POST /api/auth/token</c> (cached per user and password for this host).</summary>
    public Task<string> TokenForAsync(string userId, string password) =>
        Sessions.TokenForAsync(userId, password);

    /// <summary>A started SignalR connection over WebSockets, signed in as <paramref name="userId"/>.</summary>
    public Task<BoardClient> BoardForAsync(string userId, string password) =>
        Sessions.BoardForAsync(userId, password);

    private GridSessions Sessions => _sessions ??= new GridSessions(CreateClient, () => BaseAddress, Time);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:MonitorGrid", ConnectionString);
        builder.UseSetting("Grid:Demo", "false");
        if (AdminPasswordSetting is not null)
        {
            builder.UseSetting("Grid:AdminPassword", AdminPasswordSetting);
        }

        builder.UseSetting("Auth:SigningKey", SigningKeySetting);
        builder.UseSetting("Auth:PasswordIterations", "1000");
        builder.UseSetting("Orleans:SiloPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        TestClock.Use(builder, Time);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
