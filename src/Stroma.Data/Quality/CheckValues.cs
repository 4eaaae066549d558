using Stroma.Clinical.Labs;
using Stroma.Clinical.Quality;
using Stroma.Data.Model;
using LabResult = Stroma.Data.Model.LabResult;

namespace Stroma.Data.Quality;

/// <summary>One record a check runs on: its type and id, the visit it belongs to, and its field values.</summary>
public sealed record CheckRecord(CheckScope Scope, Guid RecordId, Guid? VisitId, IReadOnlyDictionary<string, FieldValue> Values);

/// <summary>
/// What the checks of one enrolment see: the patient's stored records, mapped to the field catalogue
/// (<see cref="CheckFieldCatalogue"/>). The one place that says which stored column each field reads.
/// </summary>
public sealed class CheckValues
{
    public required Patient Patient { get; init; }

    public required ProtocolEnrolment Enrolment { get; init; }

    public IReadOnlyList<Visit> Visits { get; init; } = [];

    public IReadOnlyList<LabResult> Labs { get; init; } = [];

    public IReadOnlyList<Assessment> Assessments { get; init; } = [];

    public IReadOnlyList<Infusion> Infusions { get; init; } = [];

    public IReadOnlyList<AdverseEvent> AdverseEvents { get; init; } = [];

    public Death? Death { get; init; }

    /// <summary>The fields every scope sees: patient, consent, death, last visit and the enrolment.</summary>
    private Dictionary<string, FieldValue> Common()
    {
        var v = new Dictionary<string, FieldValue>(StringComparer.Ordinal)
        {
            ["patient.birth_date"] = FieldValue.Of(Patient.BirthDate),
            ["patient.sex"] = FieldValue.Of(Patient.Sex.ToString()),
            ["consent.date"] = FieldValue.Of(Patient.ConsentDate),
            ["patient.withdrawal_date"] = FieldValue.Of(Patient.WithdrawalDate),
            ["death.date"] = FieldValue.Of(Death?.DeathDate),
            ["last_visit.date"] = FieldValue.Of(Visits.Count == 0 ? null : Visits.Max(x => x.VisitDate)),
            ["enrolment.start_date"] = FieldValue.Of(Enrolment.StartDate),
            ["enrolment.weight"] = FieldValue.Of(Enrolment.PlanningWeightKg),
            ["enrolment.weighed_on"] = FieldValue.Of(Enrolment.PlanningWeighedOn),
            ["enrolment.consent_date"] = FieldValue.Of(Enrolment.ConsentSignedOn),
        };
        return v;
    }

    /// <summary>The records of <paramref name="scope"/> with their values.</summary>
    public IEnumerable<CheckRecord> Records(CheckScope scope)
    {
        switch (scope)
        {
            case CheckScope.Patient:
                yield return new CheckRecord(scope, Patient.Id, null, Common());
                break;
            case CheckScope.Enrolment:
                yield return new CheckRecord(scope, Enrolment.Id, null, Common());
                break;
            case CheckScope.Visit:
                foreach (var visit in Visits)
                {
                    yield return Visit(visit);
                }

                break;
            case CheckScope.Infusion:
                foreach (var infusion in Infusions.Where(i => i.EnrolmentId == Enrolment.Id))
                {
                    yield return Infusion(infusion);
                }

                break;
            case CheckScope.AdverseEvent:
                foreach (var ae in AdverseEvents)
                {
                    yield return AdverseEvent(ae);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scope), scope, null);
        }
    }

    public CheckRecord Visit(Visit visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var v = Common();
        v["visit.date"] = FieldValue.Of(visit.VisitDate);
        v["visit.type"] = FieldValue.Of(visit.Type);
        foreach (var lab in Labs.Where(l => l.VisitId == visit.Id).OrderBy(l => l.SpecimenTime))
        {
            if (AnalyteCatalog.Find(lab.Analyte) is not { } analyte)
            {
                continue;
            }

            // The latest result of the visit wins; a number only when it was normalised to the canonical unit.
            v[CheckFieldCatalogue.LabPrefix + analyte.Key] = analyte.CanonicalUnit is { } unit
                ? (lab.NormalisedUnit == unit.Code ? FieldValue.Of(lab.NormalisedValue) : FieldValue.Missing)
                : FieldValue.Of(lab.ReportedValue);
        }

        foreach (var a in Assessments.Where(a => a.VisitId == visit.Id).OrderBy(a => a.AssessmentDate))
        {
            v[CheckFieldCatalogue.ScorePrefix + a.Instrument] = FieldValue.Of(a.Total);
        }

        return new CheckRecord(CheckScope.Visit, visit.Id, visit.Id, v);
    }

    public CheckRecord Infusion(Infusion infusion)
    {
        ArgumentNullException.ThrowIfNull(infusion);
        var v = Common();
        v["infusion.date"] = FieldValue.Of(infusion.InfusionDate);
        v["infusion.weight"] = FieldValue.Of(infusion.WeightKg);
        v["infusion.dose"] = FieldValue.Of(infusion.DoseCells);
        return new CheckRecord(CheckScope.Infusion, infusion.Id, null, v);
    }

    public CheckRecord AdverseEvent(AdverseEvent ae)
    {
        ArgumentNullException.ThrowIfNull(ae);
        var v = Common();
        v["ae.term"] = FieldValue.Of(ae.Term);
        v["ae.onset"] = FieldValue.Of(ae.OnsetDate);
        v["ae.resolution"] = FieldValue.Of(ae.ResolutionDate);
        v["ae.grade"] = FieldValue.Of(ae.CtcaeGrade is { } g ? (decimal)g : null);
        v["ae.serious"] = FieldValue.Of(ae.Serious);
        v["ae.outcome"] = FieldValue.Of(ae.Outcome);
        return new CheckRecord(CheckScope.AdverseEvent, ae.Id, null, v);
    }
}
