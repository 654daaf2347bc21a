using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MonitorGrid.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace MonitorGrid.Persistence;

/// <summary>Wires a MonitorGrid silo to PostgreSQL: clustering, grain storage and reminders, and the schema migration.</summary>
public static class PostgresSiloExtensions
{
    /// <summary>The ADO.NET invariant name of Npgsql (the providers default to SQL Server's).</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// AdoNet clustering, the <see cref="GridStorage.Store"/> grain storage and AdoNet reminders on the
    /// database at <paramref name="connectionString"/>. The schema comes from <see cref="AddMonitorGridPostgres"/>.
    /// </summary>
    public static ISiloBuilder ConfigureMonitorGridPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(GridStorage.Store, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<Serializer>((o, serializer) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;

                // Orleans' own serializer, not the JSON default: state types are found by their [Alias],
                // so stored state survives renames, and no CLR type name is written into a row.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        silo.UseAdoNetReminderService(options =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
        silo.ConfigureGridReminders();
        return silo;
    }

    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> for the database, the <see cref="SchemaMigrator"/>, and the
    /// <see cref="SchemaMigrationService"/> that migrates the schema before the silo starts.
    /// </summary>
    public static IServiceCollection AddMonitorGridPostgres(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.TryAddSingleton<SchemaMigrator>();
        services.TryAddSingleton<SchemaMigrationService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchemaMigrationService>(sp => sp.GetRequiredService<SchemaMigrationService>()));
        return services;
    }
}
