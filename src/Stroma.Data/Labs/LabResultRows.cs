using Stroma.Data.Model;

namespace Stroma.Data.Labs;

/// <summary>
/// The one mapping of a lab result onto its stored <see cref="LabResult"/> row, used by every writer: the file import,
/// the web entry (<see cref="LabResultEntry"/>) and the demo registry. Rows saved through <c>SaveChanges</c> get their
/// audit fields from the audit interceptor; rows written through the bulk path (which bypasses it) get the same
/// fields from <see cref="ForBulk"/>, so the two paths store the same thing.
/// </summary>
public static class LabResultRows
{
    /// <summary>The largest magnitude the normalised value column holds (numeric(18,6): 12 digits before the point).</summary>
    public const decimal LargestStorable = 999_999_999_999.999999m;

    /// <summary>A row for the bulk path, stamped as the audit interceptor stamps an insert (version 1, when, who).</summary>
    public static LabResult ForBulk(StromaDbContext db, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new LabResult { Version = 1, CreatedAt = now, CreatedBy = db.Actor };
    }

    /// <summary>
    /// Fills <paramref name="row"/> from a normalised report: the value, unit and range as reported, the normalised
    /// value and unit and the flag as <paramref name="normalised"/> gives them.
    /// </summary>
    public static void Fill(LabResult row, Guid patientId, Guid? visitId, Guid? laboratoryId, DateTimeOffset specimenTime,
        string reportedValue, string? reportedUnit, string? reportedRange, LabNormalisation normalised)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(normalised);
        row.PatientId = patientId;
        row.VisitId = visitId;
        row.LaboratoryId = laboratoryId;
        row.Analyte = normalised.Analyte;
        row.SpecimenTime = specimenTime;
        row.ReportedValue = reportedValue;
        row.ReportedUnit = reportedUnit;
        row.ReportedRange = reportedRange;
        row.NormalisedValue = normalised.Value;
        row.NormalisedUnit = normalised.Unit;
        row.Flag = normalised.Flag;
    }
}
