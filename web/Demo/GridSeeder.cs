using Microsoft.Extensions.Options;
using MonitorGrid.Grains;
using MonitorGrid.Hosting;
using MonitorGrid.Infrastructure;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Roster;

namespace MonitorGrid.Web.Demo;

/// <summary>
/// At start: warns loudly when nothing is persisted; on PostgreSQL, creates the <c>admin</c> account
/// from <c>Grid:AdminPassword</c> if there is none (and refuses to start without one); in demo mode,
/// seeds the demo city through the same roster path as the API. <see cref="Completion"/> tells
/// readiness (and tests) when the city is there.
/// </summary>
public sealed partial class GridSeeder(
    IConfiguration configuration,
    RosterWriter roster,
    IGrainFactory grains,
    IOptions<DemoCityOptions> size,
    IOptions<GridOptions> grid,
    IOptions<AuthOptions> auth,
    SigningKeyProvider keys,
    ILogger<GridSeeder> logger) : BackgroundService
{
    public const string AdminId = "admin";

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _completion.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.IsInMemory() && !configuration.IsDemo())
        {
            await EnsureAdminAsync();
        }

        await base.StartAsync(cancellationToken);
    }

    private async Task EnsureAdminAsync()
    {
        var admin = grains.Staff(AdminId);
        if (await admin.GetAccountAsync() is not null)
        {
            return;
        }

        var password = grid.Value.AdminPassword;
        if (string.IsNullOrEmpty(password) || password.Length < RosterWriter.MinPasswordLength)
        {
            throw new InvalidOperationException(
                "No admin account exists yet: set Grid:AdminPassword (environment Grid__AdminPassword, at least " +
                $"{RosterWriter.MinPasswordLength} characters) for the first start.");
        }

        await admin.RegisterAsync(new StaffAccount(
            AdminId, "系统管理员", Role.Admin, Scope.City, PasswordHasher.Hash(password, auth.Value.PasswordIterations)));
        LogAdminCreated(logger);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (configuration.IsInMemory())
        {
            LogInMemory(logger);
        }

        if (keys.IsEphemeral)
        {
            LogEphemeralKey(logger);
        }

        if (!configuration.IsDemo())
        {
            _completion.TrySetResult();
            return;
        }

        try
        {
            var request = DemoCity.Build(size.Value);
            LogSeeding(logger, request.Students!.Count, request.Staff!.Count);
            var (plan, errors) = await roster.ValidateAsync(request, stoppingToken);
            if (plan is null)
            {
                throw new InvalidOperationException($"The demo roster is invalid: {errors.First}");
            }

            await roster.ApplyAsync(plan, stoppingToken);
            LogSeeded(logger);
            _completion.TrySetResult();
        }
        catch (Exception ex)
        {
            _completion.TrySetException(ex);
            throw;
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Critical, Message =
        "************************************************************************\n" +
        "  NOTHING IS PERSISTED: no ConnectionStrings:MonitorGrid is configured.\n" +
        "  The grid runs in memory; every observation and alert is lost on exit.\n" +
        "************************************************************************")]
    private static partial void LogInMemory(ILogger logger);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "No Auth:SigningKey configured: tokens are signed with a key made at start and die with this process")]
    private static partial void LogEphemeralKey(ILogger logger);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Seeding the demo city: {Students} students, {Staff} staff (password 'demo', admin/demo)")]
    private static partial void LogSeeding(ILogger logger, int students, int staff);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Demo city seeded")]
    private static partial void LogSeeded(ILogger logger);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Created the admin account from Grid:AdminPassword; remove the setting once signed in")]
    private static partial void LogAdminCreated(ILogger logger);
}
