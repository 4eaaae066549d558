using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.CellTherapy;

/// <summary>One lymphodepleting drug as given: the protocol's drug key, the dose per m² given each day and the days relative to the infusion.</summary>
/// <param name="DrugKey">The protocol's key of the drug (<c>fludarabine</c>).</param>
/// <param name="MgPerSquareMetre">Dose per day given, mg/m².</param>
/// <param name="Days">Days given relative to the infusion (day 0), each before it (e.g. −5, −4, −3).</param>
public sealed record LymphodepletionGiven(string DrugKey, decimal MgPerSquareMetre, IReadOnlyList<int> Days);

/// <summary>The lymphodepletion actually given on a patient's CAR-T enrolment.</summary>
/// <param name="PatientStudyId">The patient.</param>
/// <param name="HeightCm">Height used for the BSA, cm.</param>
/// <param name="WeightKg">Weight used for the BSA, kg.</param>
/// <param name="MeasuredOn">When height and weight were measured.</param>
/// <param name="Drugs">The drugs given.</param>
/// <param name="Formula">The BSA formula; null for the protocol's (<see cref="CarTPlan.BsaFormula"/>).</param>
/// <param name="ProtocolKey">The protocol, when the patient is enrolled on more than one.</param>
/// <param name="LateEntryReason">Why it is entered late, when its last day is more than the late-entry days back (<see cref="LateEntry"/>).</param>
public sealed record LymphodepletionRequest(
    string PatientStudyId,
    decimal HeightCm,
    decimal WeightKg,
    DateOnly MeasuredOn,
    IReadOnlyList<LymphodepletionGiven> Drugs,
    BsaFormula? Formula = null,
    string? ProtocolKey = null,
    string? LateEntryReason = null);

/// <summary>A correction of one recorded lymphodepletion drug: each value given replaces the recorded one; null keeps it.</summary>
/// <param name="PatientStudyId">The patient.</param>
/// <param name="DrugKey">The protocol's key of the recorded drug (<c>fludarabine</c>).</param>
/// <param name="Reason">Why it is corrected; kept in the audit trail with the values it replaces.</param>
/// <param name="MgPerSquareMetre">Dose per day given, mg/m².</param>
/// <param name="Days">Days given relative to the infusion (day 0).</param>
/// <param name="HeightCm">Height used for the BSA, cm.</param>
/// <param name="WeightKg">Weight used for the BSA, kg.</param>
/// <param name="MeasuredOn">When height and weight were measured.</param>
/// <param name="Formula">The BSA formula.</param>
/// <param name="ProtocolKey">The protocol, when the patient is enrolled on more than one.</param>
public sealed record LymphodepletionCorrection(
    string PatientStudyId,
    string DrugKey,
    string Reason,
    decimal? MgPerSquareMetre = null,
    IReadOnlyList<int>? Days = null,
    decimal? HeightCm = null,
    decimal? WeightKg = null,
    DateOnly? MeasuredOn = null,
    BsaFormula? Formula = null,
    string? ProtocolKey = null);

/// <summary>
/// Records the lymphodepletion given on a CAR-T enrolment (issue #20; the protocol's <see cref="CarTPlan"/> names the
/// drugs): for each drug its dose per m² and days relative to day 0 — the recorded infusion's date, or the scheduled
/// administration's target before it is recorded — and the body surface area from the height and weight given by the
/// named formula (<see cref="BodySurfaceArea"/>, Mosteller 1987 or Du Bois 1916), with the daily amount in mg. A dose
/// or days other than the protocol's are recorded as given with a warning (<see cref="IssueCodes.LymphodepletionDiffersFromProtocol"/>);
/// Stroma sets no dose limit of its own. Any error refuses the whole course and nothing is written; a recorded
/// course is not recorded again (one record per drug and enrolment) but corrected with a reason (<see cref="CorrectAsync"/>), and is locked with a visit signed on one of its
/// days (<see cref="Visits.VisitLock"/>).
/// </summary>
public static class Lymphodepletions
{
    public static async Task<CellTherapyResult<IReadOnlyList<LymphodepletionRecord>>> RecordAsync(StromaDbContext db, LymphodepletionRequest request,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        var (schedules, notFound) = await Enrolments.LoadAsync(db, request.PatientStudyId, cancellationToken).ConfigureAwait(false);
        var (enrolled, notEnrolled) = notFound is null ? Enrolments.Pick(schedules, request.PatientStudyId, request.ProtocolKey) : (null, notFound);
        if (notEnrolled is not null)
        {
            issues.Add(notEnrolled);
        }

        var plan = enrolled?.Protocol?.CarT;
        if (enrolled is not null && plan is null)
        {
            issues.Add(Issue.Error(IssueCodes.LymphodepletionNotCarT, "protocol",
                $"{enrolled.Enrolment.ProtocolKey} version {enrolled.Enrolment.ProtocolVersion} has no CAR-T plan: lymphodepletion is recorded on a CAR-T enrolment only."));
        }

        if (request.HeightCm is < 30m or > 300m)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "height", $"Height {Text(request.HeightCm)} cm must be 30–300 cm."));
        }

        if (!BodyMass.Accepts(request.WeightKg))
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "weight", $"Weight {Text(request.WeightKg)} kg must be above 0 and at most 1000 kg."));
        }

        if (request.Drugs.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.MissingItem, "drug", "Give at least one lymphodepleting drug with its dose per m² and days."));
        }

        var today = LateEntry.Today(db);
        if (LateEntryPolicy.InFuture("measured", request.MeasuredOn, today) is { } futureMeasure)
        {
            issues.Add(futureMeasure);
        }

        var dayZero = enrolled is null ? null : await DayZeroAsync(db, enrolled, cancellationToken).ConfigureAwait(false);

        var recorded = enrolled is null ? [] : await db.Lymphodepletions.AsNoTracking().Where(l => l.EnrolmentId == enrolled.Enrolment.Id)
            .Select(l => l.DrugKey).ToListAsync(cancellationToken).ConfigureAwait(false);
        var warnings = new List<Issue>();
        for (var i = 0; i < request.Drugs.Count; i++)
        {
            var given = request.Drugs[i];
            var path = string.Create(CultureInfo.InvariantCulture, $"drug[{i}]");
            if (given.MgPerSquareMetre is <= 0m or > 100000m)
            {
                issues.Add(Issue.Error(IssueCodes.OutOfRange, path + ".mg_per_m2", $"{given.DrugKey}: a dose of {Text(given.MgPerSquareMetre)} mg/m² must be above 0 and at most 100000 mg/m²."));
            }

            if (given.Days.Count == 0 || given.Days.Any(d => d >= 0 || d < -60) || given.Days.Zip(given.Days.Skip(1)).Any(p => p.Second <= p.First))
            {
                issues.Add(Issue.Error(IssueCodes.LymphodepletionDaysInvalid, path + ".days",
                    $"{given.DrugKey}: days {Days(given.Days)} must be given, each before the infusion (day -60 to -1), ascending and distinct."));
            }

            if (request.Drugs.Take(i).Any(d => d.DrugKey == given.DrugKey) || recorded.Contains(given.DrugKey))
            {
                issues.Add(Issue.Error(IssueCodes.LymphodepletionAlreadyRecorded, path, $"{given.DrugKey}: its lymphodepletion is already recorded on this enrolment."));
            }

            if (plan is null)
            {
                continue;
            }

            if (plan.Lymphodepletion.FirstOrDefault(a => a.Key == given.DrugKey) is not { } agent)
            {
                issues.Add(Issue.Error(IssueCodes.LymphodepletionUnknownDrug, path,
                    $"'{given.DrugKey}' is not a lymphodepleting drug of {enrolled!.Enrolment.ProtocolKey} (its drugs: {string.Join(", ", plan.Lymphodepletion.Select(a => a.Key))})."));
            }
            else if ((agent.DosePerSquareMetre is { } planned && planned.MilligramsPerSquareMetre != given.MgPerSquareMetre)
                || (agent.DaysRelativeToInfusion.Count > 0 && !agent.DaysRelativeToInfusion.SequenceEqual(given.Days)))
            {
                warnings.Add(Issue.Warning(IssueCodes.LymphodepletionDiffersFromProtocol, path,
                    $"{agent.Drug} given at {Text(given.MgPerSquareMetre)} mg/m² on days {Days(given.Days)}; the protocol gives {agent}: recorded as given."));
            }
        }

        LateEntryCheck? late = null;
        // Checked against today only when every day is valid (CAR007 says what is wrong with the others).
        if (dayZero is { } zero && request.Drugs.Count > 0 && request.Drugs.All(d => d.Days.Count > 0 && d.Days.All(x => x is < 0 and >= -60)))
        {
            var last = zero.AddDays(request.Drugs.Max(d => d.Days.Max()));
            late = LateEntry.Check(db, await LateEntry.PolicyForAsync(db, enrolled!.Enrolment, cancellationToken).ConfigureAwait(false), "days", last, request.LateEntryReason);
            issues.AddRange(late.Issues);
            var first = zero.AddDays(request.Drugs.Min(d => d.Days.Min()));
            if (request.MeasuredOn > first)
            {
                issues.Add(Issue.Error(IssueCodes.OutOfRange, "measured",
                    $"Height and weight measured on {request.MeasuredOn:yyyy-MM-dd}, after the first day given ({first:yyyy-MM-dd}): a dose per m² uses a measurement taken before it."));
            }
        }

        if (issues.Any(x => x.IsError) || late is null || plan is null)
        {
            return Refusal.Of<IReadOnlyList<LymphodepletionRecord>>(issues.Count > 0 ? issues
                : [Issue.Error(IssueCodes.NotEnrolled, "patient", $"Patient {request.PatientStudyId} has no scheduled infusion to count the days from.")]);
        }

        var formula = request.Formula ?? plan.BsaFormula;
        var bsa = BodySurfaceArea.Calculate(BodyHeight.FromCentimetres(request.HeightCm), BodyMass.FromKilograms(request.WeightKg), formula);
        var records = new List<LymphodepletionRecord>();
        foreach (var given in request.Drugs)
        {
            var agent = plan.Lymphodepletion.First(a => a.Key == given.DrugKey);
            var record = new LymphodepletionRecord
            {
                Id = Guid.CreateVersion7(),
                PatientId = enrolled!.Patient.Id,
                EnrolmentId = enrolled.Enrolment.Id,
                DrugKey = agent.Key,
                Drug = agent.Drug,
                DoseMgPerSquareMetre = given.MgPerSquareMetre,
                DaysRelativeToInfusion = Days(given.Days),
                InfusionDate = dayZero!.Value,
                FirstGivenOn = dayZero.Value.AddDays(given.Days[0]),
                LastGivenOn = dayZero.Value.AddDays(given.Days[^1]),
                HeightCm = request.HeightCm,
                WeightKg = request.WeightKg,
                MeasuredOn = request.MeasuredOn,
                BsaFormula = BodySurfaceArea.Key(formula),
                BsaSquareMetres = bsa.SquareMetres,
                DailyDoseMg = (DrugDosePerSquareMetre.MilligramsPerM2(given.MgPerSquareMetre) * bsa).Milligrams,
            }.Mark(late);
            db.Lymphodepletions.Add(record);
            records.Add(record);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<IReadOnlyList<LymphodepletionRecord>>(records, [.. issues, .. warnings]);
    }

    /// <summary>
    /// Corrects one recorded drug of a patient's lymphodepletion (issue #20): the dose per m², the days, the height, weight
    /// and date measured, or the BSA formula, each left as recorded when not given; the BSA, the daily amount and the
    /// dates are computed again as <see cref="RecordAsync"/> computes them (day 0: the recorded infusion, else the
    /// scheduled administration). The same checks apply (<c>INP004</c>, <c>CAR007</c>, <c>RET001</c>, the <c>CAR009</c>
    /// warning); a reason is required (<see cref="IssueCodes.LymphodepletionCorrectionWithoutReason"/>) and kept in the
    /// audit trail with the values replaced; the row keeps its identity (never deleted). A course recorded before a visit
    /// signed on one of its days is locked (<see cref="IssueCodes.VisitLocked"/>, the save-time guard of
    /// <see cref="Visits.VisitLock"/>): the refusal is returned and nothing is written.
    /// </summary>
    public static async Task<CellTherapyResult<LymphodepletionRecord>> CorrectAsync(StromaDbContext db, LymphodepletionCorrection request,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            issues.Add(Issue.Error(IssueCodes.LymphodepletionCorrectionWithoutReason, "reason",
                $"A correction of the recorded {request.DrugKey} lymphodepletion needs the reason for it (kept in the audit trail with the values it replaces)."));
        }

        var (schedules, notFound) = await Enrolments.LoadAsync(db, request.PatientStudyId, cancellationToken).ConfigureAwait(false);
        var (enrolled, notEnrolled) = notFound is null ? Enrolments.Pick(schedules, request.PatientStudyId, request.ProtocolKey) : (null, notFound);
        if (notEnrolled is not null)
        {
            return Refusal.Of<LymphodepletionRecord>([.. issues, notEnrolled]);
        }

        var enrolmentId = enrolled!.Enrolment.Id;
        var row = await db.Lymphodepletions.SingleOrDefaultAsync(l => l.EnrolmentId == enrolmentId && l.DrugKey == request.DrugKey, cancellationToken).ConfigureAwait(false);
        var plan = enrolled.Protocol?.CarT;
        if (row is null || plan is null)
        {
            return Refusal.Of<LymphodepletionRecord>([.. issues, Issue.Error(IssueCodes.LymphodepletionNotRecorded, "drug",
                $"No {request.DrugKey} lymphodepletion is recorded for patient {request.PatientStudyId} on {enrolled.Enrolment.ProtocolKey}: record it first (stroma lymphodepletion).")]);
        }

        var dose = request.MgPerSquareMetre ?? row.DoseMgPerSquareMetre;
        var days = request.Days ?? ParseDays(row.DaysRelativeToInfusion) ?? [];
        var height = request.HeightCm ?? row.HeightCm;
        var weight = request.WeightKg ?? row.WeightKg;
        var measured = request.MeasuredOn ?? row.MeasuredOn;
        var formula = request.Formula ?? BodySurfaceArea.FromKey(row.BsaFormula) ?? plan.BsaFormula;
        if (height is < 30m or > 300m)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "height", $"Height {Text(height)} cm must be 30–300 cm."));
        }

        if (weight is <= 0m or > 1000m)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "weight", $"Weight {Text(weight)} kg must be above 0 and at most 1000 kg."));
        }

        if (dose is <= 0m or > 100000m)
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "mg_per_m2", $"{row.DrugKey}: a dose of {Text(dose)} mg/m² must be above 0 and at most 100000 mg/m²."));
        }

        var daysValid = days.Count > 0 && days.All(d => d is < 0 and >= -60) && !days.Zip(days.Skip(1)).Any(p => p.Second <= p.First);
        if (!daysValid)
        {
            issues.Add(Issue.Error(IssueCodes.LymphodepletionDaysInvalid, "days",
                $"{row.DrugKey}: days {Days(days)} must be given, each before the infusion (day -60 to -1), ascending and distinct."));
        }

        if (LateEntryPolicy.InFuture("measured", measured, LateEntry.Today(db)) is { } futureMeasure)
        {
            issues.Add(futureMeasure);
        }

        var zero = await DayZeroAsync(db, enrolled, cancellationToken).ConfigureAwait(false) ?? row.InfusionDate;
        if (daysValid && measured > zero.AddDays(days[0]))
        {
            issues.Add(Issue.Error(IssueCodes.OutOfRange, "measured",
                $"Height and weight measured on {measured:yyyy-MM-dd}, after the first day given ({zero.AddDays(days[0]):yyyy-MM-dd}): a dose per m² uses a measurement taken before it."));
        }

        if (issues.Any(x => x.IsError))
        {
            return Refusal.Of<LymphodepletionRecord>(issues);
        }

        if (plan.Lymphodepletion.FirstOrDefault(a => a.Key == row.DrugKey) is { } agent
            && ((agent.DosePerSquareMetre is { } planned && planned.MilligramsPerSquareMetre != dose)
                || (agent.DaysRelativeToInfusion.Count > 0 && !agent.DaysRelativeToInfusion.SequenceEqual(days))))
        {
            issues.Add(Issue.Warning(IssueCodes.LymphodepletionDiffersFromProtocol, "drug",
                $"{agent.Drug} given at {Text(dose)} mg/m² on days {Days(days)}; the protocol gives {agent}: recorded as given."));
        }

        var bsa = BodySurfaceArea.Calculate(BodyHeight.FromCentimetres(height), BodyMass.FromKilograms(weight), formula);
        var daily = (DrugDosePerSquareMetre.MilligramsPerM2(dose) * bsa).Milligrams;
        var text = Days(days);
        if (row.DoseMgPerSquareMetre == dose && row.DaysRelativeToInfusion == text && row.HeightCm == height && row.WeightKg == weight && row.MeasuredOn == measured
            && row.BsaFormula == BodySurfaceArea.Key(formula) && row.InfusionDate == zero)
        {
            issues.Add(Issue.Info(IssueCodes.LymphodepletionCorrectionUnchanged, "drug", $"The recorded {row.Drug} lymphodepletion already reads so: nothing to correct."));
            return new CellTherapyResult<LymphodepletionRecord>(row, issues);
        }

        row.DoseMgPerSquareMetre = dose;
        row.DaysRelativeToInfusion = text;
        row.InfusionDate = zero;
        row.FirstGivenOn = zero.AddDays(days[0]);
        row.LastGivenOn = zero.AddDays(days[^1]);
        row.HeightCm = height;
        row.WeightKg = weight;
        row.MeasuredOn = measured;
        row.BsaFormula = BodySurfaceArea.Key(formula);
        row.BsaSquareMetres = bsa.SquareMetres;
        row.DailyDoseMg = daily;
        db.ChangeReason = request.Reason.Trim();
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Visits.VisitLockedException locked)
        {
            // The guard refused the save before anything was written; the row goes back to what is stored.
            var entry = db.Entry(row);
            entry.CurrentValues.SetValues(entry.OriginalValues);
            entry.State = EntityState.Unchanged;
            db.ChangeReason = null;
            return Refusal.Of<LymphodepletionRecord>([locked.Issue]);
        }

        return new CellTherapyResult<LymphodepletionRecord>(row, issues);
    }

    /// <summary>Day 0 of an enrolment: the infusion as recorded, else the scheduled administration (the course comes before the infusion).</summary>
    private static async Task<DateOnly?> DayZeroAsync(StromaDbContext db, EnrolledSchedule enrolled, CancellationToken cancellationToken)
    {
        var enrolmentId = enrolled.Enrolment.Id;
        var infused = await db.Infusions.AsNoTracking().Where(i => i.EnrolmentId == enrolmentId).OrderBy(i => i.InfusionDate)
            .Select(i => (DateOnly?)i.InfusionDate).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return infused ?? enrolled.Schedule.Events.Where(e => e.Kind == ScheduledEventKind.Administration).OrderBy(e => e.Target).Select(e => (DateOnly?)e.Target).FirstOrDefault();
    }

    /// <summary>The lymphodepletion recorded for a patient (not deleted), by first day and drug.</summary>
    public static Task<List<LymphodepletionRecord>> ForPatientAsync(StromaDbContext db, Guid patientId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Lymphodepletions.AsNoTracking().Where(l => l.PatientId == patientId).OrderBy(l => l.FirstGivenOn).ThenBy(l => l.DrugKey).ToListAsync(cancellationToken);
    }

    /// <summary>Parses days written as the record stores them (<c>-5,-4,-3</c>); null when any is not a whole number.</summary>
    public static IReadOnlyList<int>? ParseDays(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var days = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part.Replace('\u2212', '-'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var day))
            {
                return null;
            }

            days.Add(day);
        }

        return days.Count == 0 ? null : days;
    }

    private static string Days(IReadOnlyList<int> days) => days.Count == 0 ? "(none)" : string.Join(",", days.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
