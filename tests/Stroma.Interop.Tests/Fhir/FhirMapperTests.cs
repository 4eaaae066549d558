// Source: FHIR R4 (4.0.1) Observation, AdverseEvent and BiologicallyDerivedProduct; LOINC 2160-0 "Creatinine [Mass/volume]
// in Serum or Plasma" (Stroma's catalogue, docs/labs.md); HL7 v3 ObservationInterpretation (H, L, N, HH, LL); CTCAE v5.0
// grade names (1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death).
using Hl7.Fhir.Model;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Labs;
using Stroma.Data.Model;
using Stroma.Interop.Fhir;
using FhirAdverseEvent = Hl7.Fhir.Model.AdverseEvent;
using LabResult = Stroma.Data.Model.LabResult;
using Quantity = Hl7.Fhir.Model.Quantity;

namespace Stroma.Interop.Tests.Fhir;

public sealed class FhirMapperTests
{
    private static readonly FhirMapper Map = new(FhirIds.Identifiable);
    private static readonly Guid PatientId = Guid.Parse("0190a1b2-0000-7000-8000-000000000001");
    private static readonly Guid LotId = Guid.Parse("0190a1b2-0000-7000-8000-000000000002");

    [Fact]
    public void Lab_CreatinineAboveRange_LoincUcumRangeAndHighFlag()
    {
        var lab = new LabResult
        {
            Id = Guid.Parse("0190a1b2-0000-7000-8000-000000000003"),
            PatientId = PatientId,
            Analyte = "creatinine",
            SpecimenTime = new DateTimeOffset(2024, 1, 15, 0, 30, 0, TimeSpan.Zero),
            ReportedValue = "151",
            ReportedUnit = "umol/L",
            ReportedRange = "45-84",
            NormalisedValue = 151m,
            NormalisedUnit = "umol/L",
            Flag = LabFlag.High,
        };

        var observation = Map.Lab(lab);

        observation.Code.Coding.ShouldContain(c => c.System == "http://loinc.org" && c.Code == "2160-0");
        observation.Category.Single().Coding.Single().Code.ShouldBe("laboratory");
        observation.Subject!.Reference.ShouldBe("Patient/0190a1b2-0000-7000-8000-000000000001");
        ((FhirDateTime)observation.Effective!).Value.ShouldBe("2024-01-15T00:30:00Z");
        var value = observation.Value.ShouldBeOfType<Quantity>();
        (value.Value, value.System, value.Code, value.Comparator).ShouldBe((151m, "http://unitsofmeasure.org", "umol/L", (Quantity.QuantityComparator?)null));
        var range = observation.ReferenceRange.Single();
        (range.Low!.Value, range.High!.Value, range.Low.Code, range.Text).ShouldBe((45m, 84m, "umol/L", "45-84 umol/L"));
        observation.Interpretation.Single().Coding.Single().Code.ShouldBe("H");
        FhirExportTests.Errors(observation).ShouldBeEmpty();
    }

    [Fact]
    public void Lab_CensoredValueInOtherUnitWithoutRange_ComparatorKeptRangeAsTextOnly()
    {
        var lab = new LabResult
        {
            Id = Guid.NewGuid(),
            PatientId = PatientId,
            Analyte = "creatinine",
            SpecimenTime = DateTimeOffset.UnixEpoch,
            ReportedValue = "<0.5",
            ReportedUnit = "mg/dL",
            ReportedRange = "0.5-1.0",
            NormalisedValue = 44.2m,
            NormalisedUnit = "umol/L",
            Flag = LabFlag.None,
        };

        var observation = Map.Lab(lab);

        observation.Value.ShouldBeOfType<Quantity>().Comparator.ShouldBe(Quantity.QuantityComparator.LessThan);
        var range = observation.ReferenceRange.Single();
        (range.Low, range.High, range.Text).ShouldBe(((Quantity?)null, (Quantity?)null, "0.5-1.0 mg/dL"));
        observation.Interpretation.ShouldBeEmpty();
    }

    [Fact]
    public void Lab_ValueNotNumeric_ReportedTextKept()
    {
        var lab = new LabResult { Id = Guid.NewGuid(), PatientId = PatientId, Analyte = "platelets", SpecimenTime = DateTimeOffset.UnixEpoch, ReportedValue = "low (value not reported)", Flag = LabFlag.Low };

        var observation = Map.Lab(lab);

        observation.Value.ShouldBeOfType<FhirString>().Value.ShouldBe("low (value not reported)");
        observation.Interpretation.Single().Coding.Single().Code.ShouldBe("L");
    }

    [Theory]
    [InlineData(2, "moderate")]
    [InlineData(3, "severe")]
    public void AdverseEvent_GradedSeriousWithSuspectLot_SeverityCausalityAndLot(int grade, string severity)
    {
        var ae = new Stroma.Data.Model.AdverseEvent
        {
            Id = Guid.NewGuid(),
            PatientId = PatientId,
            Term = "infusion-related reaction",
            OnsetDate = new DateOnly(2024, 2, 1),
            CtcaeGrade = grade,
            Serious = true,
            SeriousnessCriteria = SeriousnessCriteria.Hospitalisation,
            Causality = Causality.Probable,
            LotId = LotId,
        };

        var resource = Map.AdverseEvent(ae);

        resource.Actuality.ShouldBe(FhirAdverseEvent.AdverseEventActuality.Actual);
        resource.Date.ShouldBe("2024-02-01");
        resource.Severity!.Coding.Select(c => c.Code).ShouldBe([severity, grade.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        resource.Seriousness!.Coding.Select(c => c.Code).ShouldBe(["Serious", "SeriousResultsInHospitalization"]);
        var suspect = resource.SuspectEntity.Single();
        suspect.Instance.Reference.ShouldBe("BiologicallyDerivedProduct/0190a1b2-0000-7000-8000-000000000002");
        suspect.Causality.Single().Assessment!.Coding.Single().Code.ShouldBe("Probable");
        FhirExportTests.Errors(resource).ShouldBeEmpty();
    }

    [Fact]
    public void AdverseEvent_Grade4_NoFhirSeverityGradeOnEvent()
    {
        var ae = new Stroma.Data.Model.AdverseEvent { Id = Guid.NewGuid(), PatientId = PatientId, Term = "sepsis", OnsetDate = new DateOnly(2024, 2, 1), CtcaeGrade = 4, Serious = true };

        var resource = Map.AdverseEvent(ae);

        resource.Severity.ShouldBeNull();
        resource.Event!.Coding.Single().Code.ShouldBe("4");
        resource.SuspectEntity.ShouldBeEmpty();
        FhirExportTests.Errors(resource).ShouldBeEmpty();
    }

    [Fact]
    public void Lot_ReleasedIsbt128Din_AvailableCellsWithDinIdentifier()
    {
        var din = "A9999" + "24" + "123456";
        din += Isbt128Din.ComputeCheckCharacter(din);
        var lot = new CellLotRecord
        {
            Id = LotId,
            LotNumber = din,
            ProductType = CellProductType.UmbilicalCordMsc,
            ManufacturingSite = "GMP 1",
            ManufacturedOn = new DateOnly(2024, 1, 2),
            ExpiresOn = new DateOnly(2025, 1, 2),
            Status = LotStatus.Released,
            Storage = StorageCondition.Cryopreserved,
            StorageLocation = "tank 1",
        };

        var product = Map.Lot(lot);

        var identifier = product.Identifier.Single();
        (identifier.Value, identifier.Type!.Text).ShouldBe((din, "ISBT 128 Donation Identification Number"));
        product.ProductCategory.ShouldBe(BiologicallyDerivedProduct.BiologicallyDerivedProductCategory.Cells);
        product.Status.ShouldBe(BiologicallyDerivedProduct.BiologicallyDerivedProductStatus.Available);
        product.Storage.Single().Duration!.End.ShouldBe("2025-01-02");
        FhirExportTests.Errors(product).ShouldBeEmpty();
        Map.Lot(new CellLotRecord { Id = LotId, LotNumber = "LOT-1", Status = LotStatus.Quarantine }).Status
            .ShouldBe(BiologicallyDerivedProduct.BiologicallyDerivedProductStatus.Unavailable);
    }
}
