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

    /// <summary>
    /// The normalised value as stored: rounded to <see cref="LabText.MaxDecimals"/> (6) decimals, half away from zero.
    /// A reported number with more decimals is refused (LAB015), but a unit conversion can make more (1 g/g is
    /// 1000/8.84 = 113.1221719… mg/mmol); the column is <c>numeric(18,6)</c>, which PostgreSQL rounds and SQLite does
    /// not, so the rounding is done here, once, for every engine. Half away from zero because it is what PostgreSQL's
    /// numeric type does ("When rounding values, the numeric type rounds ties away from zero", PostgreSQL 15
    /// documentation, 8.1.2 Arbitrary Precision Numbers): a value rounded here equals one PostgreSQL rounded before
    /// this rule existed, or rounds on restore, so both engines and every path hold the same number.
    /// </summary>
    public static decimal? StoredValue(decimal? value) =>
        value is { } v ? decimal.Round(v, LabText.MaxDecimals, MidpointRounding.AwayFromZero) : null;

    /// <summary>A row for the bulk path, stamped as the audit interceptor stamps an insert (version 1, when, who).</summary>
    public static LabResult ForBulk(StromaDbContext db, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        return new LabResult { Version = 1, CreatedAt = now, CreatedBy = db.Actor };
    }

    /// <summary>
    /// Fills <paramref name="row"/> from a normalised report: the value, unit and range as reported, the normalised
    /// value (rounded by <see cref="StoredValue"/>) and unit and the flag as <paramref name="normalised"/> gives them.
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
        row.NormalisedValue = StoredValue(normalised.Value);
        row.NormalisedUnit = normalised.Unit;
        row.Flag = normalised.Flag;
    }
}
