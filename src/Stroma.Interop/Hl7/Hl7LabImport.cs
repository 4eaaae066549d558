using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Data;
using Stroma.Data.Labs;

namespace Stroma.Interop.Hl7;

/// <summary>The acknowledgment code of an HL7 ACK (MSA-1; HL7 table 0008, original acknowledgment mode).</summary>
public enum Hl7AckCode
{
    /// <summary>Application accept: the message was processed (its results loaded, held or already stored).</summary>
    AA,

    /// <summary>Application error: the message was read but its content cannot be loaded (reason in ERR); nothing was stored.</summary>
    AE,

    /// <summary>Application reject: the message cannot be read or is not one Stroma accepts (structure, type, version); nothing was stored.</summary>
    AR,
}

/// <summary>How one message ended.</summary>
/// <param name="ControlId">MSH-10 of the message (empty when it could not be read).</param>
/// <param name="Ack">AA, AE or AR.</param>
/// <param name="Issues">Errors (why nothing was stored), warnings (OBX-8 differs) and notes (held, cancelled).</param>
/// <param name="Loaded">Results stored.</param>
/// <param name="Duplicates">Results already stored (same patient, analyte and specimen time): skipped, as by the CSV import.</param>
/// <param name="Held">Preliminary results (OBX-11 P) held, not loaded.</param>
/// <param name="Cancelled">Results cancelled by the laboratory (OBX-11 X or D), not loaded.</param>
public sealed record Hl7MessageOutcome(string ControlId, Hl7AckCode Ack, IReadOnlyList<Issue> Issues, int Loaded, int Duplicates, int Held, int Cancelled)
{
    /// <summary>The notes (NTE-3) that came with the message's observations; each OBX's are stored with its result (<c>LabResult.Note</c>).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Corrected results (OBX-11 C) that replaced a stored result's value (<see cref="LabResultCorrection"/>).</summary>
    public int Corrected { get; init; }
}

/// <summary>Where HL7 results go and how they are normalised.</summary>
/// <param name="Site">The site (code) whose patients the messages are for: PID-3 is resolved among them only.</param>
public sealed record Hl7ImportOptions(string Site)
{
    /// <summary>The normaliser of every lab writer (<see cref="SiteLabRanges.Normaliser"/>).</summary>
    public ILabNormaliser Normaliser { get; init; } = CatalogLabNormaliser.Default;

    /// <summary>The site laboratory (code) the results come from, whose configured ranges apply; none when null.</summary>
    public string? Laboratory { get; init; }

    /// <summary>
    /// The laboratory system's time zone, for times sent without a UTC offset (<see cref="Hl7Time.Zone"/>); null: such
    /// a time is refused (HLV006).
    /// </summary>
    public TimeZoneInfo? TimeZone { get; init; }
}

/// <summary>
/// Loads the results of one ORU^R01 message through the lab import's one path (<see cref="LabImport.RunRowsAsync"/>):
/// each OBX becomes the same row a <c>stroma import labs</c> file holds, so the rejects, the duplicate rule and the
/// flags are those of the CSV import. A message loads whole or writes nothing. The mapping (docs/interop.md):
/// PID-3 is the patient (a study id of the site, or a hospital identifier linked to one, <see cref="Data.Model.PatientIdentifier"/>);
/// OBX-3 the analyte (its LOINC code, looked up in the catalogue, or a local code through the site's code map);
/// OBX-5 the value (NM, or SN as a comparator and one number, or text); OBX-6.1 the unit (UCUM); OBX-7 the range;
/// OBX-14, else OBR-7, the specimen time; the NTE segments after an OBX its note; OBX-11: F and C load, P is held, X and D
/// are not loaded (nothing is deleted).
/// A corrected result (C) of a result already stored (same patient, analyte and specimen time) replaces its value,
/// unit and range through the one correction path (<see cref="LabResultCorrection"/>), the message named as the
/// reason, in the same transaction as the message's other results; an identical one is a duplicate.
/// OBX-8 is compared with the flag Stroma derives and a difference is a warning (Stroma's flag is stored).
/// </summary>
public static class Hl7LabImport
{
    /// <summary>The versions whose ORU^R01 this mapping follows.</summary>
    public static readonly IReadOnlyList<string> Versions = ["2.3", "2.3.1", "2.4", "2.5", "2.5.1"];

    public static async Task<Hl7MessageOutcome> ImportAsync(StromaDbContext db, Hl7ReadResult read, Hl7ImportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(options);
        if (read.Message is not { } message)
        {
            return Refused(read.ControlId, read.Issues);
        }

        var headerIssues = HeaderIssues(message);
        if (headerIssues.Count > 0)
        {
            return Refused(message.ControlId, headerIssues);
        }

        var (observations, structure) = OruR01.Read(message);
        if (structure.Count > 0)
        {
            return Refused(message.ControlId, structure);
        }

        var site = await db.Sites.AsNoTracking().Where(s => s.Code == options.Site).Select(s => new { s.Id, s.Code }).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"Site {options.Site} is not in the registry.", nameof(options));
        var issues = new List<Issue>();
        var patients = new Dictionary<Hl7Segment, string>();
        foreach (var pid in observations.Select(o => o.Patient).Distinct())
        {
            var (studyId, problem) = await ResolvePatientAsync(db, site.Id, site.Code, pid, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                issues.Add(problem);
            }
            else
            {
                patients[pid] = studyId!;
            }
        }

        var codeMap = await db.LabCodeMappings.AsNoTracking().Where(m => m.SiteId == site.Id)
            .ToDictionaryAsync(m => (m.CodingSystem, m.Code), m => m.Analyte, cancellationToken).ConfigureAwait(false);
        var rows = new List<LabImportRow>();
        var rowObservations = new List<OruObservation>();
        var corrections = new List<(LabImportRow Row, OruObservation Observation)>();
        int held = 0, cancelled = 0, duplicates = 0;
        foreach (var o in observations)
        {
            var obx = o.Observation;
            var status = obx.Value(11).Trim();
            switch (status)
            {
                case "P":
                    held++;
                    issues.Add(Issue.Info(IssueCodes.Hl7ResultHeld, obx.Path(11), $"{Describe(obx)} is preliminary (OBX-11 P): held, not loaded; the final result (F) will be."));
                    continue;
                case "X" or "D":
                    cancelled++;
                    issues.Add(Issue.Info(IssueCodes.Hl7ResultCancelled, obx.Path(11), status == "X"
                        ? $"{Describe(obx)}: the laboratory could not obtain the result (OBX-11 X); nothing is loaded."
                        : $"{Describe(obx)}: the laboratory deletes the result (OBX-11 D); it is not loaded, and a stored result is never deleted (correct it with a reason in Stroma)."));
                    continue;
                case "F" or "C":
                    break;
                case "":
                    issues.Add(Issue.Error(IssueCodes.Hl7RequiredField, obx.Path(11), $"{Describe(obx)} has no result status (OBX-11): F or C load, P is held, X or D cancel."));
                    continue;
                default:
                    issues.Add(Issue.Error(IssueCodes.Hl7ResultStatus, obx.Path(11),
                        $"{Describe(obx)} has result status \"{Er7.Shown(status)}\" (OBX-11); Stroma loads F (final) and C (corrected), holds P (preliminary) and does not load X or D."));
                    continue;
            }

            var analyte = Analyte(obx, codeMap, site.Code, issues);
            var value = Value(obx, issues);
            var timeText = obx.Value(14) is { Length: > 0 } observed ? (observed, obx.Path(14)) : (o.Request.Value(7), o.Request.Path(7));
            string? time = null;
            if (timeText.Item1.Length == 0)
            {
                issues.Add(Issue.Error(IssueCodes.Hl7RequiredField, obx.Path(14), $"{Describe(obx)} has no specimen time: neither OBX-14 nor its OBR-7 is given."));
            }
            else
            {
                var (iso, problem) = Hl7Time.ToIso(timeText.Item1, timeText.Item2, options.TimeZone);
                if (problem is not null)
                {
                    issues.Add(problem);
                }

                time = iso;
            }

            if (analyte is null || value is null || time is null || !patients.TryGetValue(o.Patient, out var studyId))
            {
                continue;
            }

            var row = new LabImportRow(site.Code, studyId, null, analyte, value, Blank(obx.Value(6, 1)), Blank(obx.Value(7)), options.Laboratory, time)
            {
                Note = o.Notes.Count > 0 ? string.Join("\n", o.Notes) : null,
            };
            if (status == "C")
            {
                corrections.Add((row, o));
                continue;
            }

            rows.Add(row);
            rowObservations.Add(o);
        }

        var notes = observations.SelectMany(o => o.Notes).ToList();
        if (issues.Any(i => i.IsError))
        {
            return new Hl7MessageOutcome(message.ControlId, Hl7AckCode.AE, issues, 0, 0, held, cancelled) { Notes = notes };
        }

        // A corrected result whose original is stored corrects it; one whose original is not loads as a new result.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var corrected = 0;
        foreach (var (row, o) in corrections)
        {
            var obx = o.Observation;
            var stored = await StoredResultAsync(db, site.Id, row, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                rows.Add(row);
                rowObservations.Add(o);
                continue;
            }

            var correction = await LabResultCorrection.CorrectAsync(db, options.Normaliser,
                new LabCorrectionRequest(stored.Id, row.Value, row.Unit, row.Range,
                    $"Corrected result from the laboratory: HL7 message {message.ControlId}, {Describe(obx)} (OBX-11 C)"),
                save: false, cancellationToken).ConfigureAwait(false);
            foreach (var issue in correction.Issues.Where(i => i.IsError))
            {
                issues.Add(issue with { Path = obx.Path(issue.Path == "visit" ? 14 : 5), Message = $"{Describe(obx)}: {issue.Message}" });
            }

            // A soft save-time check on the corrected value: saved, and the warning goes back to the sender in the ACK (ERR-4 W).
            var checkWarnings = correction.Issues.Where(i => i.Code == IssueCodes.CheckSoftFinding)
                .Select(i => i with { Path = obx.Path(5), Message = $"{Describe(obx)}: {i.Message}" }).ToList();

            if (correction.Normalised is null || correction.Issues.Any(i => i.IsError))
            {
                continue;
            }

            if (correction.Unchanged)
            {
                duplicates++;
                continue;
            }

            corrected++;
            issues.AddRange(checkWarnings);
            issues.Add(Issue.Info(IssueCodes.Hl7ResultCorrected, obx.Path(11),
                $"{Describe(obx)}: a corrected result (OBX-11 C) replaces the stored {stored.Value}{(stored.Unit is { } u ? " " + u : "")} of {row.SpecimenTime} (the replaced value is kept in the audit trail)."));
        }

        if (issues.Any(i => i.IsError))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new Hl7MessageOutcome(message.ControlId, Hl7AckCode.AE, issues, 0, 0, held, cancelled) { Notes = notes };
        }

        if (corrected > 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        if (rows.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new Hl7MessageOutcome(message.ControlId, Hl7AckCode.AA, issues, 0, duplicates, held, cancelled) { Notes = notes, Corrected = corrected };
        }

        var rejects = new List<LabImportReject>();
        var accepted = new Dictionary<long, LabNormalisation>();
        var result = await LabImport.RunRowsAsync(db, rows, $"hl7 {site.Code} {message.ControlId}", options.Normaliser, new LabImportOptions
        {
            OnlySite = site.Code,
            Rejects = rejects,
            RangeLabId = SiteLabRanges.LabId,
            Accepted = (line, normalised) => accepted[line] = normalised,
        }, cancellationToken).ConfigureAwait(false);
        foreach (var reject in rejects)
        {
            var obx = rowObservations[(int)reject.Line - 2].Observation;
            issues.Add(reject.Issue with { Path = obx.Path(FieldOf(reject.Field)), Message = $"{Describe(obx)}: {reject.Issue.Message}" });
        }

        if (!result.Committed || result.Rejected > 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new Hl7MessageOutcome(message.ControlId, Hl7AckCode.AE, issues, 0, 0, held, cancelled) { Notes = notes };
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        foreach (var (line, normalised) in accepted)
        {
            var obx = rowObservations[(int)line - 1].Observation;
            if (LaboratoryFlag(obx) is { } theirs && normalised.Flag != LabFlag.None && !Agrees(theirs, normalised.Flag))
            {
                issues.Add(Issue.Warning(IssueCodes.Hl7FlagDiffers, obx.Path(8),
                    $"{Describe(obx)}: the laboratory flags it \"{theirs}\" (OBX-8) but Stroma's range gives {LabFlags.Code(normalised.Flag)} ({normalised.RangeUsed}); Stroma's flag is stored."));
            }
        }

        return new Hl7MessageOutcome(message.ControlId, Hl7AckCode.AA, issues, (int)result.Inserted, duplicates + (int)result.Duplicates, held, cancelled)
        {
            Notes = notes,
            Corrected = corrected,
        };
    }

    /// <summary>The stored result a corrected result corrects: the same patient of the site, analyte (catalogue key) and specimen time.</summary>
    private static async Task<StoredLabResult?> StoredResultAsync(StromaDbContext db, Guid siteId, LabImportRow row, CancellationToken cancellationToken)
    {
        if (AnalyteCatalog.Find(row.Analyte) is not { } analyte
            || !DateTimeOffset.TryParse(row.SpecimenTime, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return null;
        }

        var stored = await LabResultCorrection.FindAsync(db, row.Patient, analyte.Key, time, siteId, cancellationToken).ConfigureAwait(false);
        return stored.Count > 0 ? stored[0] : null;
    }

    /// <summary>MSH-9 must be ORU^R01, MSH-10 given, MSH-12 one of <see cref="Versions"/>.</summary>
    private static List<Issue> HeaderIssues(Hl7Message message)
    {
        var msh = message.Header;
        var issues = new List<Issue>();
        if (msh.Value(9, 1).Length == 0)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7RequiredField, "MSH-9", "The message type (MSH-9) is empty: Stroma accepts ORU^R01 (unsolicited observation results)."));
        }
        else if (message.MessageType != "ORU^R01")
        {
            issues.Add(Issue.Error(IssueCodes.Hl7Unsupported, "MSH-9", $"The message type is {Er7.Shown(message.MessageType)} (MSH-9); Stroma accepts ORU^R01 (unsolicited observation results) only."));
        }

        if (message.ControlId.Length == 0)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7RequiredField, "MSH-10", "The message control id (MSH-10) is empty: the acknowledgment could not name the message."));
        }

        var version = msh.Value(12, 1);
        if (version.Length == 0)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7RequiredField, "MSH-12", "The version id (MSH-12) is empty."));
        }
        else if (!Versions.Contains(version))
        {
            issues.Add(Issue.Error(IssueCodes.Hl7Unsupported, "MSH-12", $"HL7 version {Er7.Shown(version)} (MSH-12) is not supported: Stroma reads versions {string.Join(", ", Versions)}."));
        }

        return issues;
    }

    /// <summary>
    /// The study id PID-3 names: each repetition (CX-1 the id, CX-4.1 the assigning authority) is a study id of the
    /// site, or a hospital identifier the site linked (for that authority, or for any authority). All repetitions
    /// that name someone must name the same patient.
    /// </summary>
    private static async Task<(string? StudyId, Issue? Problem)> ResolvePatientAsync(StromaDbContext db, Guid siteId, string siteCode, Hl7Segment pid, CancellationToken cancellationToken)
    {
        var count = pid.Repetitions(3);
        if (count == 0 || pid.Value(3, 1).Length == 0)
        {
            return (null, Issue.Error(IssueCodes.Hl7RequiredField, pid.Path(3), "The patient identifier list (PID-3) is empty: Stroma cannot tell whose results these are."));
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        var given = new List<string>();
        for (var r = 1; r <= count; r++)
        {
            var id = pid.Value(3, 1, 1, r).Trim();
            var authority = pid.Value(3, 4, 1, r).Trim();
            if (id.Length == 0)
            {
                continue;
            }

            given.Add(authority.Length > 0 ? $"{id} ({authority})" : id);
            var study = await db.Patients.AsNoTracking().Where(p => p.SiteId == siteId && p.StudyId == id).Select(p => p.StudyId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (study is not null)
            {
                found.Add(study);
            }

            var linked = await db.PatientIdentifiers.AsNoTracking()
                .Where(l => l.SiteId == siteId && l.Identifier == id && (l.Authority == authority || l.Authority == ""))
                .Select(l => l.Patient!.StudyId).ToListAsync(cancellationToken).ConfigureAwait(false);
            found.UnionWith(linked);
        }

        return found.Count switch
        {
            1 => (found.Single(), null),
            0 => (null, Issue.Error(IssueCodes.Hl7PatientIdentifier, pid.Path(3),
                $"PID-3 ({Er7.Shown(string.Join(", ", given))}) names no patient of site {siteCode}: neither a study id nor a linked hospital identifier (stroma hl7 link)."))
            ,
            _ => (null, Issue.Error(IssueCodes.Hl7PatientIdentifier, pid.Path(3),
                $"PID-3 ({Er7.Shown(string.Join(", ", given))}) names different patients of site {siteCode} ({string.Join(", ", found.Order(StringComparer.Ordinal))}): the links must be corrected before results can load.")),
        };
    }

    /// <summary>OBX-3: LOINC (coding system LN, first or alternate triplet) as the analyte, else a local code through the site's map.</summary>
    private static string? Analyte(Hl7Segment obx, Dictionary<(string, string), string> codeMap, string site, List<Issue> issues)
    {
        var code = obx.Value(3, 1).Trim();
        var system = obx.Value(3, 3).Trim();
        if (code.Length == 0)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7RequiredField, obx.Path(3), $"OBX {obx.Value(1)} has no observation identifier (OBX-3)."));
            return null;
        }

        if (system == "LN")
        {
            return code;
        }

        if (obx.Value(3, 6).Trim() == "LN" && obx.Value(3, 4).Trim() is { Length: > 0 } alternate)
        {
            return alternate;
        }

        if (codeMap.TryGetValue((system, code), out var mapped) || codeMap.TryGetValue(("", code), out mapped))
        {
            return mapped;
        }

        issues.Add(Issue.Error(IssueCodes.Hl7UnknownCode, obx.Path(3),
            $"OBX-3 \"{Er7.Shown(obx.Raw(3))}\" is not a LOINC code (coding system LN) and local code {Er7.Shown(code)} ({(system.Length > 0 ? system : "no coding system")}) is not in site {site}'s code map."));
        return null;
    }

    /// <summary>OBX-5 as the lab import's value text: NM as is, SN (comparator^number) as "&lt;0.5", coded values by their text.</summary>
    private static string? Value(Hl7Segment obx, List<Issue> issues)
    {
        var type = obx.Value(2).Trim();
        if (obx.Raw(5).Length == 0)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7RequiredField, obx.Path(5), $"{Describe(obx)} has no value (OBX-5)."));
            return null;
        }

        if (obx.Repetitions(5) > 1)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7FieldValue, obx.Path(5), $"{Describe(obx)} has {obx.Repetitions(5)} values (OBX-5 repeats); Stroma stores one value per result."));
            return null;
        }

        switch (type)
        {
            case "SN":
                var comparator = obx.Value(5, 1).Trim();
                var number = obx.Value(5, 2).Trim();
                if (comparator is not ("" or "<" or ">" or "<=" or ">=" or "=") || obx.Value(5, 3).Length > 0 || obx.Value(5, 4).Length > 0 || number.Length == 0)
                {
                    issues.Add(Issue.Error(IssueCodes.Hl7FieldValue, obx.Path(5),
                        $"{Describe(obx)}: the structured numeric \"{Er7.Shown(obx.Raw(5))}\" (OBX-5) is not a comparator and one number (e.g. <^0.5); ratios and ranges are not stored."));
                    return null;
                }

                return comparator is "" or "=" ? number : comparator + number;
            case "CE" or "CWE" or "CNE":
                return obx.Value(5, 2) is { Length: > 0 } text ? text : obx.Value(5, 1);
            default:
                return obx.Value(5);
        }
    }

    /// <summary>OBX-8 (first repetition), or null when the laboratory gave none.</summary>
    private static string? LaboratoryFlag(Hl7Segment obx) => obx.Value(8).Trim() is { Length: > 0 } flag ? flag : null;

    /// <summary>
    /// Whether the laboratory's abnormal flag (HL7 table 0078: L, H, LL, HH, N, &lt;, &gt;, A, ...) says what Stroma's
    /// flag says. Only the range flags are compared: L/LL and &lt; are low, H/HH and &gt; high, N normal; others
    /// (A abnormal, susceptibility codes) are not comparable and never warn.
    /// </summary>
    private static bool Agrees(string theirs, LabFlag ours) => theirs switch
    {
        "L" or "LL" or "<" => ours is LabFlag.Low or LabFlag.CriticalLow,
        "H" or "HH" or ">" => ours is LabFlag.High or LabFlag.CriticalHigh,
        "N" => ours == LabFlag.Normal,
        _ => true,
    };

    private static int FieldOf(string column) => column switch
    {
        "analyte" => 3,
        "value" => 5,
        "unit" => 6,
        "range" => 7,
        "specimen_time" => 14,
        _ => 3,
    };

    private static string? Blank(string text) => text.Trim() is { Length: > 0 } t ? t : null;

    private static string Describe(Hl7Segment obx)
    {
        var name = obx.Value(3, 2) is { Length: > 0 } text ? $"{obx.Value(3, 1)} {text}" : obx.Value(3, 1);
        return $"OBX {(obx.Value(1) is { Length: > 0 } set ? set : obx.Number.ToString(CultureInfo.InvariantCulture))} ({Er7.Shown(name)})";
    }

    private static Hl7MessageOutcome Refused(string controlId, IReadOnlyList<Issue> issues) => new(controlId, Hl7AckCode.AR, issues, 0, 0, 0, 0);
}
