using System.Diagnostics;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MonitorGrid.Hosting;
using MonitorGrid.Web.Api;
using MonitorGrid.Web.Audit;
using MonitorGrid.Web.Auth;
using MonitorGrid.Web.Demo;
using MonitorGrid.Web.Imports;
using MonitorGrid.Web.Infrastructure;
using MonitorGrid.Web.Live;
using MonitorGrid.Web.Roster;

namespace MonitorGrid.Web.Hosting;

public static class WebExtensions
{
    /// <summary>Everything the web host adds on top of its co-hosted silo.</summary>
    public static WebApplicationBuilder AddMonitorGridWeb(this WebApplicationBuilder builder)
    {
        // `--simulate 20` is a shorter way to say --Grid:Simulator:Rate=20.
        builder.Configuration.AddCommandLine(
            Environment.GetCommandLineArgs().Skip(1).ToArray(),
            new Dictionary<string, string> { ["--simulate"] = $"{SimulatorOptions.Section}:Rate" });

        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoCityOptions>().BindConfiguration(DemoCityOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? c.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<GridExceptionHandler>();
        services.Configure<JsonOptions>(o => GridJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi();
        services.AddMemoryCache();

        services.AddSingleton<SigningKeyProvider>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<ScopeDirectory>();
        services.AddSingleton<ObservationService>();
        services.AddSingleton<RosterWriter>();
        if (builder.Configuration.IsInMemory())
        {
            services.AddSingleton<IAuditTrail, InMemoryAuditTrail>();
            services.AddSingleton<IImportStore, InMemoryImportStore>();
        }
        else
        {
            services.AddSingleton<IAuditTrail, PostgresAuditTrail>();
            services.AddSingleton<IImportStore, PostgresImportStore>();
        }

        services.AddMonitorGridImports();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, SigningKeyProvider, TimeProvider>((jwt, auth, keys, time) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new ValidatedTokenCache(time));
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    IssuerSigningKeys = keys.ValidationKeys,
                    NameClaimType = Caller.SubjectClaim,
                    RoleClaimType = Caller.RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),

                    // The clock that issued the token judges its lifetime, as the cache above does.
                    LifetimeValidator = (notBefore, expires, _, parameters) =>
                    {
                        var now = time.GetUtcNow().UtcDateTime;
                        return (notBefore is null || notBefore <= now + parameters.ClockSkew)
                            && (expires is null || expires > now - parameters.ClockSkew);
                    },
                };
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSockets: the hub also takes ?access_token=.
                    OnMessageReceived = context =>
                    {
                        if (context.HttpContext.Request.Path.StartsWithSegments("/hubs")
                            && context.Request.Query["access_token"] is { Count: > 0 } token)
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        services.AddSignalR().AddJsonProtocol(o => GridJson.Configure(o.PayloadSerializerOptions));
        services.AddSingleton<GridRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<GridRelay>());
        services.AddSingleton<ImportRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportRelay>());
        services.AddSingleton<GridSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<GridSeeder>());
        services.AddHostedService<ObserverSimulator>();

        services.AddMonitorGridHealthChecks(builder.Configuration)
            .AddCheck<SeededHealthCheck>("seeded", tags: [GridHealth.ReadyTag]);
        return builder;
    }

    /// <summary>The CSV importers, their instruments and limits (docs/imports.md).</summary>
    private static IServiceCollection AddMonitorGridImports(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ScreeningOptions>().BindConfiguration(ScreeningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScreeningOptions>, ScreeningOptionsValidator>();
        services.AddSingleton<ImportRunner>();
        services.AddSingleton<AbandonedImportReaper>();
        services.AddHostedService(sp => sp.GetRequiredService<AbandonedImportReaper>());
        services.AddSingleton<IImportProcessor, ScreeningImport>();
        services.AddSingleton<IImportProcessor, StudentImport>();
        services.AddSingleton<IImportProcessor, StaffImport>();
        return services;
    }

    public static WebApplication MapMonitorGrid(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapAuthApi();
        app.MapRosterApi();
        app.MapObservationsApi();
        app.MapScopesApi();
        app.MapScopeInsightsApi();
        app.MapStudentsApi();
        app.MapAlertsApi();
        app.MapCasesApi();
        app.MapReportsApi();
        app.MapImportsApi();
        app.MapDiagnosticsApi();
        app.MapHub<GridHub>("/hubs/grid");
        app.MapOpenApi();

        app.MapMonitorGridHealth();
        return app;
    }

    /// <summary>Ready once start-up seeding (the admin account, the demo city) is done.</summary>
    private sealed class SeededHealthCheck(GridSeeder seeder) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(seeder.Completion.Status switch
            {
                TaskStatus.RanToCompletion => HealthCheckResult.Healthy(),
                TaskStatus.Faulted => HealthCheckResult.Unhealthy("Seeding the demo city failed.", seeder.Completion.Exception),
                _ => HealthCheckResult.Unhealthy("Seeding the demo city."),
            });
    }
}
