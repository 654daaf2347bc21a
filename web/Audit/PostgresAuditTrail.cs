using Npgsql;

namespace MonitorGrid.Web.Audit;

/// <summary>
/// The audit trail in PostgreSQL's <c>grid_audit</c>, which refuses updates and deletes. An entry is
/// committed before the read it records is answered.
/// </summary>
public sealed class PostgresAuditTrail(NpgsqlDataSource db) : IAuditTrail
{
    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO grid_audit (at, user_id, role, action, target, client_address) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter { Value = entry.At });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.UserId });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Role.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Action });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Target });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.ClientAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> RecentAsync(int count, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT at, user_id, role, action, target, client_address FROM grid_audit ORDER BY id DESC LIMIT $1");
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), Enum.Parse<Role>(reader.GetString(2)),
                reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return entries;
    }
}
