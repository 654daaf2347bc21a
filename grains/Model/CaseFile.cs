using MonitorGrid.Persistence;

namespace MonitorGrid.Model;

/// <summary>
/// A student's case file (高关怀) as its journal records make it. The student grain keeps one and so
/// does the monthly report when it replays a month, so both read a case the same way: a case opens
/// with the first record that leaves the student Orange or Red while no case is open, and stays open,
/// whatever the tier does, until a closing entry.
/// </summary>
public sealed class CaseFile
{
    private readonly List<CaseRecord> _records = [];

    /// <summary>The open case, or the last closed one; null when there has never been one.</summary>
    public CaseSummary? Current { get; private set; }

    /// <summary>Every case entry, oldest first.</summary>
    public IReadOnlyList<CaseRecord> Records => _records;

    /// <summary>The last talk with the student, whoever held it and whether or not a case was open.</summary>
    public DateTimeOffset? LastTalkAt { get; private set; }

    /// <summary>The follow-up deadline the follow-up alert was last raised for, so it is raised once per deadline.</summary>
    public DateTimeOffset? OverdueRaisedFor { get; private set; }

    /// <summary>Whether a case is open.</summary>
    public bool IsOpen => Current is { IsOpen: true };

    /// <summary>The follow-up deadline still to watch: the open case's, unless its alert was already raised.</summary>
    public DateTimeOffset? PendingFollowUp =>
        Current is { IsOpen: true } c && OverdueRaisedFor != c.FollowUpDueAt ? c.FollowUpDueAt : null;

    /// <summary>
    /// Applies a journal record: opens a case when it leaves the student Orange or Red with none open, keeps
    /// the tier current, and files case entries. Returns what changed, or null when the case did not.
    /// </summary>
    public CaseChange? Apply(JournalRecord record, StudentProfile profile, TimeSpan followUpEvery)
    {
        // PostgreSQL keeps whole microseconds: a case rebuilt from stored records must read as it did live.
        record = record with { RecordedAt = ToMicroseconds(record.RecordedAt) };
        CaseChange? change = null;
        if (record.TierAfter >= Tier.Orange && !IsOpen)
        {
            Current = new CaseSummary(
                profile.StudentId, profile.Name, profile.ClassId, profile.SchoolId, profile.DistrictId, record.TierAfter,
                record.RecordedAt, null, null, record.RecordedAt + followUpEvery, null, null, false, null, null);
            change = CaseChange.Opened;
        }
        else if (Current is { IsOpen: true } open && open.Tier != record.TierAfter)
        {
            Current = open with { Tier = record.TierAfter };
        }

        if (record.Kind == JournalKind.FollowUpOverdue && Current is { IsOpen: true } overdue)
        {
            OverdueRaisedFor = overdue.FollowUpDueAt;
            return CaseChange.Overdue;
        }

        if (record is not { Kind: JournalKind.Case, Entry: { } entry })
        {
            return change;
        }

        _records.Add(new CaseRecord(entry, record.RecordedAt, record.Actor?.UserId ?? "", record.Actor?.Role ?? Role.Admin));
        if (entry.Kind == CaseEntryKind.Talk && (LastTalkAt is null || entry.OccurredAt > LastTalkAt))
        {
            LastTalkAt = entry.OccurredAt;
        }

        if (Current is not { IsOpen: true } c)
        {
            // A talk with a student who has no open case (a vulnerable-group student's monthly talk).
            return change;
        }

        Current = entry.Kind switch
        {
            CaseEntryKind.Plan => c with
            {
                PlanOwner = entry.Owner ?? c.PlanOwner,
                NextContactOn = entry.NextContactOn ?? c.NextContactOn,
            },
            CaseEntryKind.Talk when c.LastContactAt is null || entry.OccurredAt >= c.LastContactAt => c with
            {
                LastContactAt = entry.OccurredAt,
                NextContactOn = entry.NextContactOn ?? c.NextContactOn,
                FollowUpDueAt = entry.OccurredAt + followUpEvery,
            },
            CaseEntryKind.Referral => c with { Referral = entry.Referral },
            CaseEntryKind.Leave => c with { OnLeave = true },
            CaseEntryKind.Return => c with { OnLeave = false },
            CaseEntryKind.Close => c with { ClosedAt = record.RecordedAt, CloseReason = entry.Note },
            _ => c,
        };
        return ToChange(entry.Kind);
    }

    /// <summary>Keeps the name and lineage on the case as the roster has them.</summary>
    public void Follow(StudentProfile profile)
    {
        if (Current is { } c)
        {
            Current = c with
            {
                StudentName = profile.Name,
                ClassId = profile.ClassId,
                SchoolId = profile.SchoolId,
                DistrictId = profile.DistrictId,
            };
        }
    }

    /// <summary>What to put back when a commit fails.</summary>
    public Snapshot Save() => new(Current, _records.Count, LastTalkAt, OverdueRaisedFor);

    /// <summary>Puts the file back as <see cref="Save"/> found it.</summary>
    public void Restore(Snapshot snapshot)
    {
        Current = snapshot.Current;
        _records.RemoveRange(snapshot.Records, _records.Count - snapshot.Records);
        LastTalkAt = snapshot.LastTalkAt;
        OverdueRaisedFor = snapshot.OverdueRaisedFor;
    }

    private static DateTimeOffset ToMicroseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % 10));

    private static CaseChange ToChange(CaseEntryKind kind) => kind switch
    {
        CaseEntryKind.Plan => CaseChange.Plan,
        CaseEntryKind.Talk => CaseChange.Talk,
        CaseEntryKind.Referral => CaseChange.Referral,
        CaseEntryKind.Leave => CaseChange.Leave,
        CaseEntryKind.Return => CaseChange.Return,
        _ => CaseChange.Closed,
    };

    /// <summary>A saved case file, see <see cref="Save"/>.</summary>
    public readonly record struct Snapshot(CaseSummary? Current, int Records, DateTimeOffset? LastTalkAt, DateTimeOffset? OverdueRaisedFor);
}
