// Source: FHIR R4 (4.0.1) Questionnaire and QuestionnaireResponse (item types, answerOption, canonical url|version,
// invariants que-1 to que-11 and qrs-1/qrs-2), Observation.derivedFrom; the core extensions minValue and maxValue; the
// instruments' item lists (Stroma.Clinical.Scoring, docs/instruments/) and their citations.
using Hl7.Fhir.Model;
using Shouldly;
using Stroma.Clinical.Scoring;
using Stroma.Data.Model;
using Stroma.Interop.Fhir;

namespace Stroma.Interop.Tests.Fhir;

public sealed class FhirQuestionnaireTests
{
    private static readonly FhirMapper Map = new(FhirIds.Identifiable);
    private static readonly Guid PatientId = Guid.Parse("0190a1b2-0000-7000-8000-000000000001");

    private static Assessment Scored(string instrument, Dictionary<string, ItemValue> items)
    {
        var assessment = AssessmentScoring.Score(instrument, items, PatientId, null, new DateOnly(2024, 3, 5))!;
        assessment.Id = Guid.Parse("0190a1b2-0000-7000-8000-000000000009");
        assessment.CreatedBy = "dr.wang";
        return assessment;
    }

    public static TheoryData<string> Instruments() => [.. InstrumentCatalog.All.Select(i => i.Key)];

    [Theory]
    [MemberData(nameof(Instruments))]
    public void For_EveryInstrument_ValidatesWithEveryDocumentedItemAndTheCitation(string key)
    {
        var instrument = InstrumentCatalog.Find(key)!;

        var questionnaire = FhirQuestionnaire.For(instrument, instrument.Version);

        FhirExportTests.Errors(questionnaire).ShouldBeEmpty();
        questionnaire.Url.ShouldBe("urn:stroma:questionnaire:" + key);
        questionnaire.Version.ShouldBe(instrument.Version);
        questionnaire.Status.ShouldBe(PublicationStatus.Active);
        questionnaire.Description!.ShouldContain(instrument.Citation);
        questionnaire.Item.Select(i => i.LinkId).ShouldBe(instrument.Items.Select(d => d.Key));
        foreach (var (item, definition) in questionnaire.Item.Zip(instrument.Items))
        {
            item.Text.ShouldBe(definition.Label);
            item.Type.ShouldBe(FhirQuestionnaire.Type(definition.Kind));
            item.AnswerOption.Select(o => o.Value.ShouldBeOfType<Coding>().Code).ShouldBe(definition.Choices);
        }
    }

    [Fact]
    public void Type_EachItemKind_FhirItemType()
    {
        Enum.GetValues<ItemKind>().Select(FhirQuestionnaire.Type).ShouldBe(
        [
            Questionnaire.QuestionnaireItemType.Boolean, Questionnaire.QuestionnaireItemType.Integer, Questionnaire.QuestionnaireItemType.Decimal,
            Questionnaire.QuestionnaireItemType.Choice, Questionnaire.QuestionnaireItemType.String,
        ]);
    }

    [Fact]
    public void For_OlderVersion_RetiredAndSaysWhichItemsItLists()
    {
        var questionnaire = FhirQuestionnaire.For(Sledai2k.Instrument, "2002.0");

        questionnaire.Id.ShouldBe("sledai2k-2002.0");
        questionnaire.Status.ShouldBe(PublicationStatus.Retired);
        questionnaire.Description!.ShouldContain("Stroma now scores version " + Sledai2k.Version);
    }

    [Fact]
    public void For_PgaNumberItem_DecimalWithDocumentedRange()
    {
        var item = FhirQuestionnaire.For(Pga.Instrument, Pga.Version).Item.Single();

        item.Type.ShouldBe(Questionnaire.QuestionnaireItemType.Decimal);
        item.Required.ShouldBe(true);
        item.GetExtension(FhirQuestionnaire.MinValue)!.Value.ShouldBeOfType<FhirDecimal>().Value.ShouldBe(0m);
        item.GetExtension(FhirQuestionnaire.MaxValue)!.Value.ShouldBeOfType<FhirDecimal>().Value.ShouldBe(3m);
    }

    [Fact]
    public void Versions_StoredOlderAndUnknownInstrument_CurrentOnesPlusTheOlderKnownOne()
    {
        var versions = FhirQuestionnaire.Versions([("sledai2k", Sledai2k.Version), ("sledai2k", "2002.0"), ("retired_index", "1")]).ToList();

        versions.Count.ShouldBe(InstrumentCatalog.All.Count + 1);
        versions.ShouldContain(v => v.Instrument.Key == "sledai2k" && v.Version == "2002.0");
        versions.ShouldNotContain(v => v.Instrument.Key == "retired_index");
    }

    [Fact]
    public void QuestionnaireResponse_Sledai2kFromCsvText_TypedAnswersInItemOrderLinkedFromTheObservation()
    {
        // CSV gives text: "yes" and "TRUE" are read as the instrument reads them; a blank item is no answer.
        var assessment = Scored("sledai2k", new Dictionary<string, ItemValue>
        {
            ["seizure"] = ItemValue.Of("yes"),
            ["arthritis"] = ItemValue.Of("TRUE"),
            ["rash"] = ItemValue.Of(false),
            ["fever"] = ItemValue.Null,
            ["window_days"] = ItemValue.Of(30m),
        });

        var response = Map.QuestionnaireResponse(assessment)!;
        var observation = Map.Instrument(assessment);

        FhirExportTests.Errors(response).ShouldBeEmpty();
        FhirExportTests.Errors(observation).ShouldBeEmpty();
        response.Id.ShouldBe(observation.Id);
        response.Questionnaire.ShouldBe("urn:stroma:questionnaire:sledai2k|" + Sledai2k.Version);
        response.Status.ShouldBe(QuestionnaireResponse.QuestionnaireResponseStatus.Completed);
        response.Subject!.Reference.ShouldBe("Patient/" + PatientId);
        response.Authored.ShouldBe("2024-03-05");
        (response.Author!.Identifier!.System, response.Author.Identifier.Value).ShouldBe(("urn:stroma:user", "dr.wang"));
        var order = Sledai2k.Instrument.Items.Select(d => d.Key).ToList();
        response.Item.Select(i => i.LinkId).ShouldBe(new[] { "seizure", "arthritis", "rash", "window_days" }.OrderBy(order.IndexOf));
        var answers = response.Item.ToDictionary(i => i.LinkId!, i => i.Answer.Single().Value);
        answers["seizure"].ShouldBeOfType<FhirBoolean>().Value.ShouldBe(true);
        answers["arthritis"].ShouldBeOfType<FhirBoolean>().Value.ShouldBe(true);
        answers["rash"].ShouldBeOfType<FhirBoolean>().Value.ShouldBe(false);
        var window = answers["window_days"].ShouldBeOfType<Coding>();
        (window.System, window.Code).ShouldBe(("urn:stroma:instrument:sledai2k:window_days", "30"));
        observation.DerivedFrom.Single().Reference.ShouldBe("QuestionnaireResponse/" + assessment.Id);
        observation.Value.ShouldBeOfType<global::Hl7.Fhir.Model.Quantity>().Value.ShouldBe(assessment.Total);
    }

    [Fact]
    public void QuestionnaireResponse_ChangedAfterSaving_Amended()
    {
        var assessment = Scored("pga", new Dictionary<string, ItemValue> { ["pga"] = ItemValue.Of(1.5m) });
        assessment.UpdatedAt = DateTimeOffset.UnixEpoch;

        var response = Map.QuestionnaireResponse(assessment)!;

        response.Status.ShouldBe(QuestionnaireResponse.QuestionnaireResponseStatus.Amended);
        response.Item.Single().Answer.Single().Value.ShouldBeOfType<FhirDecimal>().Value.ShouldBe(1.5m);
    }

    [Fact]
    public void QuestionnaireResponse_InstrumentNoLongerKnown_NoneAndObservationNotLinked()
    {
        var assessment = Scored("pga", new Dictionary<string, ItemValue> { ["pga"] = ItemValue.Of(1m) });
        assessment.Instrument = "retired_index";

        Map.QuestionnaireResponse(assessment).ShouldBeNull();
        Map.Instrument(assessment).DerivedFrom.ShouldBeEmpty();
    }
}
