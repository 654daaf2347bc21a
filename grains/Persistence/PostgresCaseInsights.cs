using System.Text.Json;
using Npgsql;

namespace MonitorGrid.Persistence;

/// <summary>The follow-up read models on PostgreSQL.</summary>
public sealed class PostgresCaseInsights(NpgsqlDataSource db) : ICaseInsights
{
    public async Task<IReadOnlyList<CaseSummary>> OpenCasesAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            $"""
            SELECT case_summary FROM grid_student_status s
            WHERE {ScopeFilter.On(scope)} AND case_summary IS NOT NULL AND case_summary->>'closedAt' IS NULL
            """);
        command.Parameters.Add(ScopeFilter.IdParameter(scope));
        var cases = new List<CaseSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(JsonSerializer.Deserialize<CaseSummary>(reader.GetString(0), PostgresGridJournal.Json)!);
        }

        return cases;
    }

    public async Task<IReadOnlyList<MentoredStudent>> MentoredStudentsAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        // The last talk by when it took place, as the case file reads it, from the journal's talk index.
        await using var command = db.CreateCommand(
            $"""
            SELECT s.profile, t.last_talk FROM grid_student_status s
            LEFT JOIN LATERAL (
                SELECT max((e.detail->>'occurredAt')::timestamptz) AS last_talk FROM grid_student_events e
                WHERE e.student_id = s.student_id AND e.kind = 'Case' AND e.detail->>'kind' = 'Talk'
            ) t ON true
            WHERE {ScopeFilter.On(scope)} AND jsonb_array_length(s.profile->'focusGroups') > 0
            """);
        command.Parameters.Add(ScopeFilter.IdParameter(scope));
        var students = new List<MentoredStudent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            students.Add(new MentoredStudent(
                JsonSerializer.Deserialize<StudentProfile>(reader.GetString(0), PostgresGridJournal.Json)!,
                reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return students;
    }
}
