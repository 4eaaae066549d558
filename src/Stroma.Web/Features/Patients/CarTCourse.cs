using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Scoring;
using Stroma.Data;

namespace Stroma.Web.Features.Patients;

/// <summary>One day of a CAR-T patient's course: the day after the infusion (day 0) and the grades and count recorded that day.</summary>
/// <param name="Date">The date.</param>
/// <param name="Day">Days after the infusion.</param>
/// <param name="Crs">ASTCT 2019 CRS grade (0 = no CRS), if graded that day.</param>
/// <param name="Icans">ASTCT 2019 ICANS grade (0 = no ICANS), if graded that day.</param>
/// <param name="Icaht">The clinician's ICAHT grade and phase (early/late), if recorded that day.</param>
/// <param name="Neutrophils">Absolute neutrophil count, 10^9/L, if measured that day.</param>
public sealed record CarTCourseDay(DateOnly Date, int Day, int? Crs, int? Icans, (int Grade, string Phase)? Icaht, decimal? Neutrophils);

/// <summary>A CAR-T patient's grades by day, with the neutrophil course beside ICAHT, for the timeline.</summary>
/// <param name="InfusionDate">Day 0: the first infusion of a CAR-T lot.</param>
/// <param name="Days">The days with a grade or a neutrophil count, from the lymphodepletion on.</param>
public sealed record CarTCourseView(DateOnly InfusionDate, IReadOnlyList<CarTCourseDay> Days)
{
    /// <summary>The highest CRS and ICANS grades of the course (null when never graded).</summary>
    public int? MaxCrs => Days.Max(d => d.Crs);

    public int? MaxIcans => Days.Max(d => d.Icans);
}

/// <summary>
/// Reads a patient's CAR-T course for the timeline (issue #20): day 0 is the first infusion of a CAR-T lot; CRS and ICANS
/// grades are the stored <c>crs_astct2019</c> and <c>icans_astct2019</c> assessments (ASTCT 2019, Lee DW et al. Biol Blood
/// Marrow Transplant 2019;25:625-38), ICAHT the clinician's grade (<c>icaht_clinician</c>, EHA/EBMT 2023; Stroma does not
/// compute it) shown beside the neutrophil counts (analyte <c>neutrophils</c>, 10^9/L) of the same days.
/// </summary>
public static class CarTCourse
{
    private static readonly string[] Instruments = [CrsAstct2019.Instrument.Key, IcansAstct2019.Instrument.Key, IcahtClinician.Instrument.Key];

    /// <summary>The course, or null when the patient has received no CAR-T lot.</summary>
    public static async Task<CarTCourseView?> LoadAsync(StromaDbContext db, Guid patientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var infused = await db.Infusions.AsNoTracking().Where(i => i.PatientId == patientId && i.Lot!.ProductType == CellProductType.CarT)
            .OrderBy(i => i.InfusionDate).Select(i => (DateOnly?)i.InfusionDate).FirstOrDefaultAsync(cancellationToken);
        if (infused is not { } day0)
        {
            return null;
        }

        var from = day0.AddDays(-7);
        var assessments = await db.Assessments.AsNoTracking().Where(a => a.PatientId == patientId && Instruments.Contains(a.Instrument) && a.AssessmentDate >= from)
            .Select(a => new { a.AssessmentDate, a.Instrument, a.InputsJson, a.Grade }).ToListAsync(cancellationToken);
        var counts = await db.LabResults.AsNoTracking().Where(l => l.PatientId == patientId && l.Analyte == "neutrophils" && l.NormalisedValue != null)
            .Select(l => new { l.SpecimenTime, l.NormalisedValue }).ToListAsync(cancellationToken);
        var neutrophils = counts.Select(c => (Date: DateOnly.FromDateTime(c.SpecimenTime.UtcDateTime), Value: c.NormalisedValue!.Value))
            .Where(c => c.Date >= from).GroupBy(c => c.Date).ToDictionary(g => g.Key, g => g.Min(c => c.Value));
        var dates = assessments.Select(a => a.AssessmentDate).Concat(neutrophils.Keys).Distinct().Order().ToList();
        return new CarTCourseView(day0, [.. dates.Select(date =>
        {
            int? Grade(string instrument) => assessments.Where(a => a.AssessmentDate == date && a.Instrument == instrument).Select(a => Number(a.Grade)).Max();
            var icaht = assessments.Where(a => a.AssessmentDate == date && a.Instrument == IcahtClinician.Instrument.Key && Number(a.Grade) is not null)
                .Select(a => ((int Grade, string Phase)?)(Number(a.Grade)!.Value, a.InputsJson.Contains("\"late\"", StringComparison.Ordinal) ? "late" : "early")).FirstOrDefault();
            return new CarTCourseDay(date, date.DayNumber - day0.DayNumber, Grade(CrsAstct2019.Instrument.Key), Grade(IcansAstct2019.Instrument.Key), icaht,
                neutrophils.TryGetValue(date, out var n) ? n : null);
        })]);
    }

    /// <summary>The grade number in a stored grade text ("No CRS" → 0, "Grade 2" → 2, "Early ICAHT grade 1" → 1); null when ungraded.</summary>
    internal static int? Number(string? grade) =>
        grade is null ? null
        : grade.StartsWith("No ", StringComparison.Ordinal) ? 0
        : grade.Length > 0 && char.IsDigit(grade[^1]) ? int.Parse(grade[^1..], CultureInfo.InvariantCulture) : null;
}
