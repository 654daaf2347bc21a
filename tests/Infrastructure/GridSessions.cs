using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// Signing in and opening live boards against one running web host, for both test hosts: tokens from
/// <c>POST /api/auth/token</c> are cached per user and password.
/// </summary>
public sealed class GridSessions(Func<HttpClient> createClient, Func<Uri> baseAddress, TimeProvider? time = null)
{
    private readonly Dictionary<string, (string Token, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string> TokenForAsync(string userId, string password)
    {
        await _gate.WaitAsync();
        try
        {
            var key = userId + "\n" + password;
            // A host on a test's clock may have moved past a cached token's expiry: sign in again then.
            if (!_tokens.TryGetValue(key, out var session) || session.ExpiresAt <= (time ?? TimeProvider.System).GetUtcNow().AddMinutes(1))
            {
                using var anonymous = createClient();
                var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { userId, password });
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                _tokens[key] = session = (body.GetProperty("accessToken").GetString()!, body.GetProperty("expiresAt").GetDateTimeOffset());
            }

            return session.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A started SignalR connection over WebSockets, signed in as <paramref name="userId"/>.</summary>
    public async Task<BoardClient> BoardForAsync(string userId, string password)
    {
        var token = await TokenForAsync(userId, password);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress(), "/hubs/grid"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .AddJsonProtocol(o => MonitorGrid.Web.Infrastructure.GridJson.Configure(o.PayloadSerializerOptions))
            .Build();
        var board = new BoardClient(connection);
        await connection.StartAsync();
        return board;
    }
}
