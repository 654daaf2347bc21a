using System.Runtime.CompilerServices;

namespace MonitorGrid.Persistence;

/// <summary>The monthly report's read on PostgreSQL: one query, streamed a student at a time.</summary>
public sealed partial class PostgresGridInsights
{
    public async IAsyncEnumerable<StudentJournal> JournalsBeforeAsync(
        Scope scope, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Every student under the scope now, with or without records (a student with none has one row of NULLs);
        // the student's own id is the last column, after the record's.
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command(
            $"""
            SELECT {PostgresGridJournal.RecordColumns}, s.student_id
            FROM grid_student_status s
            LEFT JOIN grid_student_events e ON e.student_id = s.student_id AND e.recorded_at < $2
            WHERE {ScopeFilter.On(scope)}
            ORDER BY s.student_id COLLATE "C", e.version
            """,
            scope, until));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var studentColumn = reader.FieldCount - 1;
        string? current = null;
        var records = new List<JournalRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var studentId = reader.GetString(studentColumn);
            if (studentId != current)
            {
                if (current is not null)
                {
                    yield return new StudentJournal(current, records);
                    records = [];
                }

                current = studentId;
            }

            if (!reader.IsDBNull(1))
            {
                records.Add(PostgresGridJournal.ReadRecord(reader));
            }
        }

        if (current is not null)
        {
            yield return new StudentJournal(current, records);
        }
    }
}
