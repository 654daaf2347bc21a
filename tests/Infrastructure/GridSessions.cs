using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// Signing in and opening live boards against one running web host, for both test hosts: tokens from
/// <c>POST /api/auth/token</c> are cached per user and password.
/// </summary>
public sealed class GridSessions(Func<HttpClient> createClient, Func<Uri> baseAddress)
{
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<string> TokenForAsync(string userId, string password)
    {
        await _gate.WaitAsync();
        try
        {
            var key = userId + "\n" + password;
            if (!_tokens.TryGetValue(key, out var token))
            {
                using var anonymous = createClient();
                var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { userId, password });
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                _tokens[key] = token = body.GetProperty("accessToken").GetString()!;
            }

            return token;
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
