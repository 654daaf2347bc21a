using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for tests: <c>initdb</c> into a fresh temporary directory, listening on a
/// free loopback port with trust authentication, fsync on. As root the binaries run as the <c>postgres</c>
/// user through <c>runuser</c>; otherwise they run as the current user. Disposing stops the server and
/// deletes its directory.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime, IAsyncDisposable
{
    private const string Superuser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _root;
    private readonly string _dataDirectory;
    private readonly string _logFile;

    public PostgresServer()
    {
        _root = Directory.CreateTempSubdirectory("mg-pg-").FullName;
        _dataDirectory = Path.Combine(_root, "data");
        _logFile = Path.Combine(_root, "server.log");
        Port = FreePorts.Next();
    }

    public int Port { get; }

    /// <summary>Shared buffers; the tests' small default suits their small databases, the benchmark sets more.</summary>
    public string SharedBuffers { get; init; } = "32MB";

    /// <summary>Connection slots: enough for a host's pools plus the benchmark's raw-INSERT clients.</summary>
    public int MaxConnections { get; init; } = 300;

    /// <summary>The database created at start-up.</summary>
    public string Database { get; } = "grid_tests";

    /// <summary>A connection string to <see cref="Database"/>.</summary>
    public string ConnectionString => ConnectionStringFor(Database);

    public bool IsRunning { get; private set; }

    private static bool AsRoot => Environment.IsPrivilegedProcess;

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Database = database,
        Pooling = true,
        Timeout = 5,
        IncludeErrorDetail = true,
    }.ConnectionString;

    public async Task InitializeAsync()
    {
        if (AsRoot)
        {
            await RunAsync("chown", ["-R", $"{Superuser}:{Superuser}", _root], asPostgres: false);
        }

        await RunAsync(Binary("initdb"),
            ["-D", _dataDirectory, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
            asPostgres: true);
        await File.AppendAllTextAsync(Path.Combine(_dataDirectory, "postgresql.conf"), string.Join('\n',
            "",
            "# Test server settings",
            "listen_addresses = '127.0.0.1'",
            $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
            "unix_socket_directories = ''",
            "fsync = on",
            "synchronous_commit = on",
            $"shared_buffers = {SharedBuffers}",
            $"max_connections = {MaxConnections.ToString(CultureInfo.InvariantCulture)}",
            "timezone = 'Asia/Shanghai'", // not UTC, so a timestamp handled without its zone shows up
            ""));
        await StartAsync();
        await CreateDatabaseAsync(Database);
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <summary>A fresh database with a unique name.</summary>
    public Task<string> CreateDatabaseAsync() => CreateDatabaseAsync("t_" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>Starts the server (again) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await RunAsync(Binary("pg_ctl"), ["start", "-w", "-t", "60", "-D", _dataDirectory, "-l", _logFile], asPostgres: true);
        IsRunning = true;

        // Pooled connections of this process to the previous server are dead: do not hand them out.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops the server (fast shutdown: open sessions are ended; pooled connections to it break, as in production).</summary>
    public async Task StopAsync()
    {
        await RunAsync(Binary("pg_ctl"), ["stop", "-w", "-t", "60", "-m", "fast", "-D", _dataDirectory], asPostgres: true);
        IsRunning = false;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (IsRunning)
            {
                await StopAsync();
            }
        }
        finally
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    /// <summary>
    /// <c>pg_dump --format=custom</c> of <paramref name="database"/> into <paramref name="file"/>, over TCP as a
    /// client, the way docs/operations.md backs the grid up.
    /// </summary>
    public Task DumpAsync(string database, string file) =>
        RunAsync(Binary("pg_dump"), [.. ClientArguments(database), "--format=custom", "--file", file], asPostgres: false);

    /// <summary><c>pg_restore --no-owner</c> of <paramref name="file"/> into the (empty) <paramref name="database"/>.</summary>
    public Task RestoreAsync(string database, string file) =>
        RunAsync(Binary("pg_restore"), [.. ClientArguments(database), "--no-owner", "--exit-on-error", file], asPostgres: false);

    private string[] ClientArguments(string database) =>
        ["--host", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--username", Superuser, "--dbname", database];

    /// <summary>The server's log, for failure messages.</summary>
    public string ReadLog() => File.Exists(_logFile) ? File.ReadAllText(_logFile) : "";

    /// <summary>A PostgreSQL binary from PATH, or else from Debian's versioned directory (newest version first).</summary>
    private static string Binary(string name)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name));
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin", name))
            : [];
        return onPath.Concat(debian).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"'{name}' was not found on PATH or under /usr/lib/postgresql: the PostgreSQL tests need the PostgreSQL server " +
                "binaries (Debian: apt-get install postgresql).");
    }

    private async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo { WorkingDirectory = _root };
        if (asPostgres && AsRoot)
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", Superuser, "--", fileName])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var result = await ChildProcess.RunAsync(start, CommandTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {result.ExitCode}:\n" +
                $"{result.Output}\n{result.Error}\n{ReadLog()}");
        }
    }
}

/// <summary>Tests sharing one throwaway PostgreSQL server (each class takes its own database from it).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
