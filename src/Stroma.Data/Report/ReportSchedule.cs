using System.Data.Common;
using System.Globalization;
using System.Text.Json.Serialization;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.Protocols;

namespace Stroma.Data.Report;

/// <summary>
/// The report's time points (issue #18: "it omits a time point the protocol does not schedule"). With a protocol named,
/// they are that protocol's own schedule as its versions declare it: baseline (month 0), each follow-up visit scheduled
/// in calendar months (<see cref="PlannedVisit"/>, a visit rather than a contact) and each administration scheduled at
/// month N &gt; 0 (<see cref="PlannedAdministration.Key"/>; a follow-up at the same month is the time point instead).
/// When the cohort's enrolments name several versions, the time points are the union of their schedules. Events
/// scheduled in days (a CAR-T protocol's daily assessments) are not month time points. Without a protocol, every visit
/// type <c>month_N</c> (N ≤ 60) is a time point, as before. A visit of the cohort whose type is not a time point is not a
/// report row: <see cref="LeftOut"/> counts them by type.
/// </summary>
/// <param name="Protocol">The protocol whose schedule it is; null: no protocol named (the <c>month_N</c> rule).</param>
/// <param name="Versions">The protocol versions whose schedules are united (those of the cohort's enrolments; the latest approved when none).</param>
/// <param name="Months">The time points in months after baseline, baseline (0) first.</param>
/// <param name="LeftOut">The enrolled patients' visits (not deleted) that are not report rows, by visit type.</param>
public sealed record ReportSchedule(
    string? Protocol,
    IReadOnlyList<string> Versions,
    IReadOnlyList<int> Months,
    [property: JsonPropertyName("left_out_visits_by_type")] IReadOnlyDictionary<string, int> LeftOut)
{
    /// <summary>How many visits of the cohort are not report rows because their type is not a time point.</summary>
    [JsonPropertyName("left_out_visits")]
    public int LeftOutCount => LeftOut.Values.Sum();
}

/// <summary>Reads the schedule of <see cref="ReportSchedule"/> and maps a visit type to its month.</summary>
internal sealed class ReportTimePoints
{
    /// <summary>Without a protocol, visit types <c>month_N</c> beyond this are not time points.</summary>
    private const int MaxMonth = 60;

    private readonly Dictionary<string, int>? byType;

    private ReportTimePoints(string? protocol, IReadOnlyList<string> versions, Dictionary<string, int>? byType)
    {
        Protocol = protocol;
        Versions = versions;
        this.byType = byType;
    }

    public string? Protocol { get; }

    public IReadOnlyList<string> Versions { get; }

    /// <summary>The scheduled months, baseline (0) first; null without a protocol (the months are those of the visits found).</summary>
    public IReadOnlyList<int>? Months => byType is null ? null : [.. byType.Values.Append(0).Distinct().Order()];

    /// <summary>No protocol named: the <c>month_N</c> rule.</summary>
    public static ReportTimePoints Any { get; } = new(null, [], null);

    /// <summary>The month of a visit type, or null when it is not a time point.</summary>
    public int? MonthOf(string visitType)
    {
        if (visitType == "baseline")
        {
            return 0;
        }

        if (byType is not null)
        {
            return byType.TryGetValue(visitType, out var month) ? month : null;
        }

        return visitType.StartsWith("month_", StringComparison.Ordinal)
            && int.TryParse(visitType.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m <= MaxMonth ? m : null;
    }

    /// <summary>The time points of one protocol's schedule: visit type → month.</summary>
    public static Dictionary<string, int> Of(Protocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var months = new HashSet<int>();
        foreach (var visit in protocol.FollowUps.Where(v => v.Kind == FollowUpKind.Visit && v.Offset.Unit == OffsetUnit.Months && v.Offset.Amount > 0))
        {
            map[visit.Key] = visit.Offset.Amount;
            months.Add(visit.Offset.Amount);
        }

        foreach (var administration in protocol.Administrations.Where(a => a.Offset.Unit == OffsetUnit.Months && a.Offset.Amount > 0 && !months.Contains(a.Offset.Amount)))
        {
            map[administration.Key] = administration.Offset.Amount;
        }

        return map;
    }

    /// <summary>
    /// The time points of <paramref name="protocol"/>: the union of the schedules of the versions the chosen sites'
    /// enrolments on it name (not deleted), or of its latest approved version when there is none.
    /// </summary>
    public static async Task<ReportTimePoints> ReadAsync(StromaDbContext db, DbConnection connection, ReportSql sql, string? protocol, CancellationToken cancellationToken)
    {
        if (protocol is null)
        {
            return Any;
        }

        var versions = new List<string>();
        await using (var command = sql.Command(connection, $"""
            SELECT DISTINCT e.protocol_version FROM protocol_enrolments e JOIN patients p ON p.id = e.patient_id JOIN sites s ON s.id = p.site_id
            WHERE e.protocol_key = @protocol AND e.deleted_at IS NULL AND p.deleted_at IS NULL {sql.SiteFilter}
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(reader.GetString(0));
            }
        }

        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var found = new List<string>();
        if (versions.Count == 0)
        {
            var (latest, _) = await ProtocolVersions.FindAsync(db, protocol, null, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (latest is not null)
            {
                Add(latest.Definition.Protocol);
            }
        }

        foreach (var version in versions.OrderBy(v => v.Length).ThenBy(v => v, StringComparer.Ordinal))
        {
            // A version that cannot be found schedules nothing: its visits other than baseline are counted as left out.
            if (await ProtocolVersions.ForEnrolmentAsync(db, protocol, version, cancellationToken).ConfigureAwait(false) is { } definition)
            {
                Add(definition);
            }
        }

        return new ReportTimePoints(protocol, found, map);

        void Add(Protocol definition)
        {
            found.Add(definition.Version);
            foreach (var (type, month) in Of(definition))
            {
                map.TryAdd(type, month);
            }
        }
    }
}
