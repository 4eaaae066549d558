using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;
using Stroma.Data.Model;
using FhirAdverseEvent = Hl7.Fhir.Model.AdverseEvent;
using FhirPatient = Hl7.Fhir.Model.Patient;
using FhirQuestionnaireResponse = Hl7.Fhir.Model.QuestionnaireResponse;
using LabResult = Stroma.Data.Model.LabResult;
using ModelAdverseEvent = Stroma.Data.Model.AdverseEvent;
using ModelPatient = Stroma.Data.Model.Patient;
using Quantity = Hl7.Fhir.Model.Quantity;

namespace Stroma.Interop.Fhir;

/// <summary>
/// Registry records to FHIR R4 (4.0.1) resources, one method per record type, the same for the bulk export and the API.
/// Only what the record holds is written: no code is invented where the catalogue has none (the Stroma URN carries the
/// key instead), and what FHIR R4 has no element for is said in docs/interop.md rather than squeezed into one.
/// </summary>
public sealed class FhirMapper(FhirIds ids)
{
    public FhirIds Ids { get; } = ids;

    private ResourceReference PatientRef(Guid id) => new("Patient/" + Ids.Patient(id));

    private static Coding Code(string system, string code, string? display = null) => new(system, code, display);

    /// <summary>A patient: pseudonymous (the study id as identifier, never a name); de-identified, only the birth year.</summary>
    public FhirPatient Patient(ModelPatient patient, string siteCode)
    {
        var resource = new FhirPatient
        {
            Id = Ids.Patient(patient.Id),
            Meta = new Meta { Tag = [Code(FhirSystems.Site, siteCode)] },
            Gender = patient.Sex switch
            {
                Sex.Female => AdministrativeGender.Female,
                Sex.Male => AdministrativeGender.Male,
                _ => AdministrativeGender.Unknown,
            },
        };
        if (!Ids.Deidentify)
        {
            resource.Identifier = [new Identifier(FhirSystems.StudyId(siteCode), patient.StudyId)];
        }

        var birthYear = patient.BirthDate?.Year ?? patient.BirthYear;
        resource.BirthDate = !Ids.Deidentify && patient.BirthDate is { } born ? FhirIds.Text(born)
            : birthYear?.ToString("0000", CultureInfo.InvariantCulture);
        return resource;
    }

    /// <summary>
    /// A diagnosis: SLE by a classification criteria set (confirmed when the criteria were met, else unconfirmed), or
    /// biopsy-proven lupus nephritis with its ISN/RPS class (2003, revised 2018) and NIH activity/chronicity indices as the stage.
    /// </summary>
    public Condition Condition(Diagnosis diagnosis)
    {
        var nephritis = diagnosis.Kind == DiagnosisKind.LupusNephritisBiopsy;
        var condition = new Condition
        {
            Id = Ids.Record(diagnosis.Id),
            Subject = PatientRef(diagnosis.PatientId),
            Code = nephritis
                ? new CodeableConcept(FhirSystems.Icd10Cm, "M32.14", "Glomerular disease in systemic lupus erythematosus", "Lupus nephritis (biopsy-proven)")
                : new CodeableConcept(FhirSystems.Icd10Cm, "M32.9", "Systemic lupus erythematosus, unspecified", "Systemic lupus erythematosus"),
            VerificationStatus = new CodeableConcept(FhirSystems.ConditionVerification,
                nephritis || diagnosis.CriteriaMet == true ? "confirmed" : "unconfirmed"),
            RecordedDate = FhirIds.Text(Ids.Date(diagnosis.PatientId, diagnosis.DiagnosisDate)),
        };
        if (!nephritis && diagnosis.Criteria is { } criteria)
        {
            var met = diagnosis.CriteriaMet switch { true => "met", false => "not met", null => "not stated" };
            var score = diagnosis.CriteriaScore is { } s ? ", score " + s.ToString(CultureInfo.InvariantCulture) : "";
            condition.Evidence = [new Condition.EvidenceComponent { Code = [new CodeableConcept(FhirSystems.Instrument, criteria, null, $"{criteria}: {met}{score}")] }];
        }

        if (nephritis && diagnosis.IsnRpsClass is { } cls)
        {
            var indices = string.Join(", ", new[]
            {
                diagnosis.ActivityIndex is { } a ? $"activity index {a.ToString(CultureInfo.InvariantCulture)}/24" : null,
                diagnosis.ChronicityIndex is { } c ? $"chronicity index {c.ToString(CultureInfo.InvariantCulture)}/12" : null,
            }.OfType<string>());
            condition.Stage =
            [
                new Condition.StageComponent
                {
                    Summary = new CodeableConcept(FhirSystems.IsnRpsClass, cls, null, $"ISN/RPS class {cls}" + (indices.Length > 0 ? $" ({indices})" : "")),
                    Type = new CodeableConcept { Text = "ISN/RPS 2003 lupus nephritis classification (revised 2018)" },
                },
            ];
        }

        return condition;
    }

    /// <summary>
    /// A lab result: LOINC (when the catalogue has a confirmed code) and Stroma's analyte key; the normalised value in the
    /// analyte's canonical UCUM unit (a censored value keeps its comparator; a value that was not numeric stays the
    /// reported text); the laboratory's range as reported (and as numbers when reported in the canonical unit); Stroma's flag;
    /// the laboratory's note (identifiable exports and the API only).
    /// </summary>
    public Observation Lab(LabResult lab)
    {
        var analyte = AnalyteCatalog.Find(lab.Analyte);
        var code = new CodeableConcept { Text = analyte?.Name ?? lab.Analyte };
        if (analyte?.Loinc is { } loinc && analyte.LoincConfirmed)
        {
            code.Coding.Add(Code(FhirSystems.Loinc, loinc));
        }

        code.Coding.Add(Code(FhirSystems.Analyte, analyte?.Key ?? lab.Analyte, analyte?.Name));
        var observation = new Observation
        {
            Id = Ids.Record(lab.Id),
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(FhirSystems.ObservationCategory, "laboratory")],
            Code = code,
            Subject = PatientRef(lab.PatientId),
            Effective = new FhirDateTime(FhirIds.Text(Ids.Instant(lab.PatientId, lab.SpecimenTime))),
        };
        var reported = lab.ReportedValue.Trim();
        if (lab.NormalisedValue is { } value && lab.NormalisedUnit is { Length: > 0 } unit)
        {
            observation.Value = new Quantity
            {
                Value = value,
                Unit = unit,
                System = FhirSystems.Ucum,
                Code = unit,
                Comparator = reported.StartsWith("<=", StringComparison.Ordinal) ? Quantity.QuantityComparator.LessOrEqual
                    : reported.StartsWith(">=", StringComparison.Ordinal) ? Quantity.QuantityComparator.GreaterOrEqual
                    : reported.StartsWith('<') ? Quantity.QuantityComparator.LessThan
                    : reported.StartsWith('>') ? Quantity.QuantityComparator.GreaterThan
                    : null,
            };
        }
        else if (reported.Length > 0)
        {
            observation.Value = new FhirString(reported);
        }
        else
        {
            observation.DataAbsentReason = new CodeableConcept(FhirSystems.DataAbsentReason, "unknown");
        }

        if (lab.ReportedRange is { Length: > 0 } range)
        {
            var component = new Observation.ReferenceRangeComponent { Text = lab.ReportedUnit is { Length: > 0 } u ? $"{range} {u}" : range };
            if (lab.ReportedUnit == lab.NormalisedUnit && lab.NormalisedUnit is { Length: > 0 } canonical && ParseRange(range) is var (low, high))
            {
                component.Low = low is { } l ? new Quantity(l, canonical) { Unit = canonical } : null;
                component.High = high is { } h ? new Quantity(h, canonical) { Unit = canonical } : null;
            }

            observation.ReferenceRange = [component];
        }

        var interpretation = lab.Flag switch
        {
            LabFlag.Normal => ("N", "Normal"),
            LabFlag.Low => ("L", "Low"),
            LabFlag.High => ("H", "High"),
            LabFlag.CriticalLow => ("LL", "Critical low"),
            LabFlag.CriticalHigh => ("HH", "Critical high"),
            _ => default,
        };
        if (interpretation.Item1 is { } flag)
        {
            observation.Interpretation = [new CodeableConcept(FhirSystems.Interpretation, flag, interpretation.Item2, null)];
        }

        // The laboratory's comments: free text, so not in a de-identified export (as the CSV export leaves out lab_results.note).
        if (!Ids.Deidentify && lab.Note is { Length: > 0 } note)
        {
            observation.Note = [new Annotation { Text = note }];
        }

        return observation;
    }

    /// <summary><c>low-high</c>, <c>&lt;high</c> or <c>&gt;low</c> (as the lab import reads a range); null when it is anything else.</summary>
    internal static (decimal? Low, decimal? High)? ParseRange(string text)
    {
        static decimal? Number(string s) => decimal.TryParse(s.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) ? d : null;
        var t = text.Trim();
        if (t.StartsWith('<') && Number(t.TrimStart('<', '=')) is { } upper)
        {
            return (null, upper);
        }

        if (t.StartsWith('>') && Number(t.TrimStart('>', '=')) is { } lower)
        {
            return (lower, null);
        }

        var dash = t.IndexOf('-', 1);
        return dash > 0 && Number(t[..dash]) is { } lo && Number(t[(dash + 1)..]) is { } hi ? (lo, hi) : null;
    }

    /// <summary>
    /// A scored instrument: its total (a <c>{score}</c> quantity), and each stored item answer and the grade or band as
    /// components, coded by Stroma's instrument and item keys (docs/instruments/); the algorithm version as the method.
    /// </summary>
    public Observation Instrument(Assessment assessment)
    {
        var observation = new Observation
        {
            Id = Ids.Record(assessment.Id),
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept(FhirSystems.ObservationCategory, "survey")],
            Code = new CodeableConcept(FhirSystems.Instrument, assessment.Instrument, null, assessment.Instrument),
            Subject = PatientRef(assessment.PatientId),
            Effective = new FhirDateTime(FhirIds.Text(Ids.Date(assessment.PatientId, assessment.AssessmentDate))),
            Method = new CodeableConcept { Text = $"{assessment.Instrument} algorithm {assessment.AlgorithmVersion}" },
        };
        if (assessment.Total is { } total)
        {
            observation.Value = new Quantity { Value = total, Unit = "score", System = FhirSystems.Ucum, Code = "{score}" };
        }
        else
        {
            observation.DataAbsentReason = new CodeableConcept(FhirSystems.DataAbsentReason, "not-applicable");
        }

        using (var inputs = JsonDocument.Parse(assessment.InputsJson))
        {
            if (inputs.RootElement.ValueKind == JsonValueKind.Object)
            {
                var system = FhirSystems.InstrumentItem(assessment.Instrument);
                foreach (var item in inputs.RootElement.EnumerateObject())
                {
                    DataType? value = item.Value.ValueKind switch
                    {
                        JsonValueKind.True => new FhirBoolean(true),
                        JsonValueKind.False => new FhirBoolean(false),
                        JsonValueKind.Number when item.Value.TryGetInt32(out var i) => new Integer(i),
                        JsonValueKind.Number => new Quantity { Value = item.Value.GetDecimal() },
                        JsonValueKind.String when item.Value.GetString() is { Length: > 0 } s => new FhirString(s),
                        JsonValueKind.Object or JsonValueKind.Array => new FhirString(item.Value.GetRawText()),
                        _ => null,
                    };
                    if (value is not null)
                    {
                        observation.Component.Add(new Observation.ComponentComponent { Code = new CodeableConcept(system, item.Name), Value = value });
                    }
                }
            }
        }

        if (assessment.Grade is { Length: > 0 } grade)
        {
            observation.Component.Add(new Observation.ComponentComponent { Code = new CodeableConcept(FhirSystems.ScoreResult, "grade", "Grade or band"), Value = new FhirString(grade) });
        }

        // The answers the score was computed from, as a QuestionnaireResponse of the same id (an instrument Stroma knows).
        if (InstrumentCatalog.Find(assessment.Instrument) is not null)
        {
            observation.DerivedFrom = [new ResourceReference("QuestionnaireResponse/" + Ids.Record(assessment.Id))];
        }

        return observation;
    }

    /// <summary>
    /// A recorded assessment as the answers to its instrument's Questionnaire (<see cref="FhirQuestionnaire"/>, the
    /// algorithm version that scored it): same id as its score Observation; <c>authored</c> the assessment date;
    /// <c>author</c> the account that recorded it (identifiable only); one item per answered documented item, in the
    /// instrument's order, its answer typed as the Questionnaire item. <c>amended</c> once the record was changed after
    /// it was saved. Null for an instrument Stroma no longer knows (its Observation still carries the raw answers).
    /// </summary>
    public FhirQuestionnaireResponse? QuestionnaireResponse(Assessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        if (InstrumentCatalog.Find(assessment.Instrument) is not { } instrument)
        {
            return null;
        }

        var response = new FhirQuestionnaireResponse
        {
            Id = Ids.Record(assessment.Id),
            Questionnaire = FhirQuestionnaire.Canonical(instrument.Key, assessment.AlgorithmVersion),
            Status = assessment.UpdatedAt is null ? FhirQuestionnaireResponse.QuestionnaireResponseStatus.Completed : FhirQuestionnaireResponse.QuestionnaireResponseStatus.Amended,
            Subject = PatientRef(assessment.PatientId),
            Authored = FhirIds.Text(Ids.Date(assessment.PatientId, assessment.AssessmentDate)),
        };
        if (!Ids.Deidentify && assessment.CreatedBy is { Length: > 0 } recordedBy)
        {
            response.Author = new ResourceReference { Identifier = new Identifier(FhirSystems.User, recordedBy), Display = recordedBy };
        }

        var reader = new ItemReader(AssessmentScoring.ReadInputs(assessment.InputsJson), instrument.Items);
        foreach (var definition in instrument.Items)
        {
            if (reader.Has(definition.Key) && FhirQuestionnaire.Answer(instrument.Key, definition, reader) is { } answer)
            {
                response.Item.Add(new FhirQuestionnaireResponse.ItemComponent
                {
                    LinkId = definition.Key,
                    Text = definition.Label,
                    Answer = [new FhirQuestionnaireResponse.AnswerComponent { Value = answer }],
                });
            }
        }

        return response;
    }

    /// <summary>
    /// A cell-product lot: its label (an ISBT 128 DIN when it reads as one) as identifier, left out when de-identified;
    /// available only once released.
    /// </summary>
    public BiologicallyDerivedProduct Lot(CellLotRecord lot)
    {
        var din = Isbt128Din.Parse(lot.LotNumber).Din is not null;
        var product = new BiologicallyDerivedProduct
        {
            Id = Ids.Record(lot.Id),
            // De-identified: no label. An autologous product's label (a CAR-T lot) often carries the patient's identifier,
            // and a DIN names a donation; the lot stays linked by its keyed id.
            Identifier = Ids.Deidentify ? []
                : [new Identifier(FhirSystems.LotNumber, lot.LotNumber) { Type = new CodeableConcept { Text = din ? "ISBT 128 Donation Identification Number" : "Lot number" } }],
            ProductCategory = BiologicallyDerivedProduct.BiologicallyDerivedProductCategory.Cells,
            ProductCode = new CodeableConcept(FhirSystems.CellProduct, lot.ProductType.ToString(), null, lot.ProductType.ToString()),
            Status = lot.Status == LotStatus.Released ? BiologicallyDerivedProduct.BiologicallyDerivedProductStatus.Available
                : BiologicallyDerivedProduct.BiologicallyDerivedProductStatus.Unavailable,
        };
        var manufactured = Ids.Unowned(lot.ManufacturedOn);
        product.Processing =
        [
            new BiologicallyDerivedProduct.ProcessingComponent
            {
                Description = $"manufactured at {lot.ManufacturingSite}" + (lot.Passage is { } p ? $", passage {p.ToString(CultureInfo.InvariantCulture)}" : ""),
                Time = manufactured is null ? null : new FhirDateTime(manufactured),
            },
        ];
        var expires = Ids.Unowned(lot.ExpiresOn);
        product.Storage =
        [
            new BiologicallyDerivedProduct.StorageComponent
            {
                Description = $"{lot.Storage}: {lot.StorageLocation}",
                Duration = expires is null ? null : new Period { End = expires },
            },
        ];
        return product;
    }

    /// <summary>An infusion: a completed procedure that used the lot.</summary>
    public Procedure Infusion(Infusion infusion)
    {
        var procedure = new Procedure
        {
            Id = Ids.Record(infusion.Id),
            Status = EventStatus.Completed,
            Code = new CodeableConcept(FhirSystems.Procedure, "cell-infusion", "Cell product infusion", "Cell product infusion"),
            Subject = PatientRef(infusion.PatientId),
            Performed = new Period
            {
                Start = FhirIds.Text(Ids.Instant(infusion.PatientId, infusion.Start)),
                End = infusion.Stop is { } stop ? FhirIds.Text(Ids.Instant(infusion.PatientId, stop)) : null,
            },
            UsedReference = [new ResourceReference("BiologicallyDerivedProduct/" + Ids.Record(infusion.LotId))],
        };
        return procedure;
    }

    /// <summary>The dose an infusion gave, in cells (<c>{cells}</c>), as an observation that is part of the procedure.</summary>
    public Observation InfusionDose(Infusion infusion) => new()
    {
        Id = Ids.Record(infusion.Id),
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(FhirSystems.StromaObservation, "dose-cells", "Cell dose given", "Cell dose given"),
        Subject = PatientRef(infusion.PatientId),
        PartOf = [new ResourceReference("Procedure/" + Ids.Record(infusion.Id))],
        Effective = new FhirDateTime(FhirIds.Text(Ids.Instant(infusion.PatientId, infusion.Start))),
        Value = new Quantity { Value = infusion.DoseCells, Unit = "cells", System = FhirSystems.Ucum, Code = "{cells}" },
    };

    /// <summary>
    /// An adverse event: the term as text; CTCAE v5.0 grade as a Stroma code and, for grades 1-3, FHIR's severity of the
    /// same name (CTCAE v5.0: 1 mild, 2 moderate, 3 severe; 4 and 5 have no FHIR R4 severity); seriousness with the ICH
    /// E2A criteria that have an HL7 code; the suspect lot with the investigator's causality.
    /// </summary>
    public FhirAdverseEvent AdverseEvent(ModelAdverseEvent ae)
    {
        var resource = new FhirAdverseEvent
        {
            Id = Ids.Record(ae.Id),
            Actuality = FhirAdverseEvent.AdverseEventActuality.Actual,
            Subject = PatientRef(ae.PatientId),
            Event = new CodeableConcept { Text = ae.Term },
            Date = FhirIds.Text(Ids.Date(ae.PatientId, ae.OnsetDate)),
        };
        var seriousness = new CodeableConcept(FhirSystems.AdverseEventSeriousness, ae.Serious ? "Serious" : "Non-serious");
        if (ae.SeriousnessCriteria is { } criteria)
        {
            foreach (var (flag, code) in new[]
            {
                (SeriousnessCriteria.ResultsInDeath, "SeriousResultsInDeath"),
                (SeriousnessCriteria.LifeThreatening, "SeriousIsLifeThreatening"),
                (SeriousnessCriteria.Hospitalisation, "SeriousResultsInHospitalization"),
                (SeriousnessCriteria.DisabilityOrIncapacity, "SeriousResultsInDisability"),
                (SeriousnessCriteria.CongenitalAnomaly, "SeriousIsBirthDefect"),
            })
            {
                if (criteria.HasFlag(flag))
                {
                    seriousness.Coding.Add(Code(FhirSystems.AdverseEventSeriousness, code));
                }
            }
        }

        resource.Seriousness = seriousness;
        if (ae.CtcaeGrade is { } grade)
        {
            var severity = new CodeableConcept { Text = $"CTCAE v5.0 grade {grade.ToString(CultureInfo.InvariantCulture)}" };
            if (grade is >= 1 and <= 3)
            {
                severity.Coding.Add(Code(FhirSystems.AdverseEventSeverity, grade switch { 1 => "mild", 2 => "moderate", _ => "severe" }));
                severity.Coding.Add(Code(FhirSystems.CtcaeGrade, grade.ToString(CultureInfo.InvariantCulture)));
                resource.Severity = severity;
            }
            else
            {
                // No R4 severity code for life-threatening or fatal: the grade travels as the event's second coding.
                resource.Event.Coding.Add(Code(FhirSystems.CtcaeGrade, grade.ToString(CultureInfo.InvariantCulture), $"CTCAE v5.0 grade {grade.ToString(CultureInfo.InvariantCulture)}"));
            }
        }

        if (ae.LotId is { } lotId)
        {
            resource.SuspectEntity =
            [
                new FhirAdverseEvent.SuspectEntityComponent
                {
                    Instance = new ResourceReference("BiologicallyDerivedProduct/" + Ids.Record(lotId)),
                    Causality = [new FhirAdverseEvent.CausalityComponent { Assessment = new CodeableConcept(FhirSystems.Causality, ae.Causality.ToString(), null, ae.Causality.ToString()) }],
                },
            ];
        }

        if (!Ids.Deidentify && ae.Outcome is { Length: > 0 } outcome)
        {
            resource.Outcome = new CodeableConcept { Text = outcome };
        }

        return resource;
    }

    /// <summary>A protocol: a research study (Stroma does not record accrual status, so every study is <c>active</c>).</summary>
    public static ResearchStudy Study(string protocolKey, string title) => new()
    {
        Id = FhirIds.Study(protocolKey),
        Identifier = [new Identifier(FhirSystems.Protocol, protocolKey)],
        Title = title,
        Status = ResearchStudy.ResearchStudyStatus.Active,
    };

    /// <summary>An enrolment: the patient on the protocol from day 0; <c>withdrawn</c> once consent is withdrawn.</summary>
    public ResearchSubject Subject(ProtocolEnrolment enrolment) => new()
    {
        Id = Ids.Record(enrolment.Id),
        Status = enrolment.ConsentWithdrawnOn is null ? ResearchSubject.ResearchSubjectStatus.OnStudy : ResearchSubject.ResearchSubjectStatus.Withdrawn,
        Period = new Period
        {
            Start = FhirIds.Text(Ids.Date(enrolment.PatientId, enrolment.StartDate)),
            End = enrolment.ConsentWithdrawnOn is { } w ? FhirIds.Text(Ids.Date(enrolment.PatientId, w)) : null,
        },
        Study = new ResourceReference("ResearchStudy/" + FhirIds.Study(enrolment.ProtocolKey)),
        Individual = PatientRef(enrolment.PatientId),
        Consent = enrolment.ConsentSignedOn is null ? null : new ResourceReference("Consent/" + Ids.Record(enrolment.Id)),
    };

    /// <summary>An enrolment's research consent (same id as its ResearchSubject): active until withdrawn.</summary>
    public Consent EnrolmentConsent(ProtocolEnrolment enrolment) => Consent(Ids.Record(enrolment.Id), enrolment.PatientId, enrolment.ConsentSignedOn!.Value,
        enrolment.ConsentWithdrawnOn ?? enrolment.ConsentValidUntil, enrolment.ConsentWithdrawnOn is not null,
        $"{enrolment.ProtocolKey} protocol consent, protocol version {enrolment.ConsentProtocolVersion ?? enrolment.ProtocolVersion}");

    /// <summary>The registry consent a patient signed (same id as the patient).</summary>
    public Consent PatientConsent(ModelPatient patient) => Consent(Ids.Patient(patient.Id), patient.Id, patient.ConsentDate!.Value,
        patient.WithdrawalDate, patient.WithdrawalDate is not null, $"registry consent form version {patient.ConsentVersion ?? "not recorded"}");

    private Consent Consent(string id, Guid patientId, DateOnly signed, DateOnly? end, bool withdrawn, string policy) => new()
    {
        Id = id,
        Status = withdrawn ? global::Hl7.Fhir.Model.Consent.ConsentState.Inactive : global::Hl7.Fhir.Model.Consent.ConsentState.Active,
        Scope = new CodeableConcept(FhirSystems.ConsentScope, "research"),
        Category = [new CodeableConcept(FhirSystems.ConsentCategory, "research")],
        Patient = PatientRef(patientId),
        DateTime = FhirIds.Text(Ids.Date(patientId, signed)),
        PolicyRule = new CodeableConcept { Text = policy },
        Provision = new global::Hl7.Fhir.Model.Consent.provisionComponent
        {
            Period = new Period { Start = FhirIds.Text(Ids.Date(patientId, signed)), End = end is { } e ? FhirIds.Text(Ids.Date(patientId, e)) : null },
        },
    };
}
