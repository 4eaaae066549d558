// Source: issue #17 "FHIR R4 out": every exported resource validates against the base FHIR R4 (4.0.1) specification
// with Firely's validator (0 errors) and every reference resolves within the export; FHIR Bulk Data Access IG 2.0.0
// "Bulk Data Output File Format" (NDJSON, one resource type per file).
using System.Text.Json;
using System.Text.RegularExpressions;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Shouldly;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Export;
using Stroma.Data.Tests;
using Stroma.Interop.Fhir;
using Task = System.Threading.Tasks.Task;

namespace Stroma.Interop.Tests.Fhir;

public sealed partial class FhirExportTests
{
    internal static readonly Lazy<Validator> Validator = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    /// <summary>The validator's errors and fatal issues for one resource.</summary>
    internal static List<string> Errors(Resource resource) =>
        [.. Validator.Value.Validate(resource).Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{resource.TypeName}/{resource.Id}: {i.Details?.Text ?? i.Diagnostics} at {string.Join(",", i.Expression)}")];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [GeneratedRegex("\"reference\":\"([^\"]+)\"")]
    private static partial Regex ReferencePattern();

    /// <summary>Every resource of every file, validated; the errors as "file id: message" lines, and the references that do not resolve.</summary>
    private static (List<string> Errors, List<string> Unresolved, Dictionary<string, int> Counts) Check(string directory)
    {
        var errors = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var references = new List<(string From, string To)>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(directory, "*.ndjson").Order(StringComparer.Ordinal))
        {
            var type = Path.GetFileNameWithoutExtension(file);
            counts[type] = 0;
            foreach (var line in File.ReadLines(file))
            {
                var resource = JsonSerializer.Deserialize<Resource>(line, Json)!;
                resource.TypeName.ShouldBe(type);
                ids.Add($"{type}/{resource.Id}").ShouldBeTrue($"duplicate id {type}/{resource.Id}");
                counts[type]++;
                errors.AddRange(Errors(resource));
                references.AddRange(ReferencePattern().Matches(line).Select(m => ($"{type}/{resource.Id}", m.Groups[1].Value)));
            }
        }

        return (errors, [.. references.Where(r => !ids.Contains(r.To)).Select(r => $"{r.From} -> {r.To}")], counts);
    }

    /// <summary>
    /// Each QuestionnaireResponse against the Questionnaire its <c>questionnaire</c> canonical (<c>url|version</c>) names in
    /// the same export: the canonical resolves, every item's linkId is an item of it, and each answer has the item's type
    /// (a choice one of its answer options). The base validator does not check a response against its questionnaire.
    /// </summary>
    private static List<string> CheckAnswers(string directory)
    {
        var problems = new List<string>();
        var questionnaires = File.ReadLines(Path.Combine(directory, "Questionnaire.ndjson"))
            .Select(l => JsonSerializer.Deserialize<Questionnaire>(l, Json)!).ToDictionary(q => q.Url + "|" + q.Version, StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(directory, "QuestionnaireResponse.ndjson")))
        {
            var response = JsonSerializer.Deserialize<QuestionnaireResponse>(line, Json)!;
            if (!questionnaires.TryGetValue(response.Questionnaire ?? "", out var questionnaire))
            {
                problems.Add($"QuestionnaireResponse/{response.Id}: questionnaire {response.Questionnaire} is not in the export");
                continue;
            }

            foreach (var item in response.Item)
            {
                var definition = questionnaire.Item.FirstOrDefault(i => i.LinkId == item.LinkId);
                var value = item.Answer.SingleOrDefault()?.Value;
                var fits = definition?.Type switch
                {
                    Questionnaire.QuestionnaireItemType.Boolean => value is FhirBoolean,
                    Questionnaire.QuestionnaireItemType.Integer => value is Integer,
                    Questionnaire.QuestionnaireItemType.Decimal => value is FhirDecimal,
                    Questionnaire.QuestionnaireItemType.String => value is FhirString,
                    Questionnaire.QuestionnaireItemType.Choice => value is Coding c
                        && definition.AnswerOption.Any(o => o.Value is Coding option && option.System == c.System && option.Code == c.Code),
                    _ => false,
                };
                if (!fits)
                {
                    problems.Add($"QuestionnaireResponse/{response.Id}: item {item.LinkId} ({value?.TypeName ?? "no answer"}) does not fit {questionnaire.Id}");
                }
            }
        }

        return problems;
    }

    [Fact]
    public void CheckAnswers_UnknownQuestionnaireAndWrongAnswerType_Reported()
    {
        var directory = Directory.CreateTempSubdirectory("stroma-fhir-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "Questionnaire.ndjson"), JsonSerializer.Serialize(
                FhirQuestionnaire.For(Stroma.Clinical.Scoring.Sledai2k.Instrument, "v1"), Json) + "\n");
            File.WriteAllText(Path.Combine(directory, "QuestionnaireResponse.ndjson"),
                "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"r1\",\"questionnaire\":\"urn:stroma:questionnaire:sledai2k|v1\",\"status\":\"completed\","
                + "\"item\":[{\"linkId\":\"seizure\",\"answer\":[{\"valueString\":\"yes\"}]},{\"linkId\":\"window_days\",\"answer\":[{\"valueCoding\":{\"code\":\"7\"}}]},"
                + "{\"linkId\":\"rash\",\"answer\":[{\"valueBoolean\":true}]}]}\n"
                + "{\"resourceType\":\"QuestionnaireResponse\",\"id\":\"r2\",\"questionnaire\":\"urn:stroma:questionnaire:sledai2k|v2\",\"status\":\"completed\"}\n");

            CheckAnswers(directory).ShouldBe(
            [
                "QuestionnaireResponse/r1: item seizure (string) does not fit sledai2k-v1",
                "QuestionnaireResponse/r1: item window_days (Coding) does not fit sledai2k-v1",
                "QuestionnaireResponse/r2: questionnaire urn:stroma:questionnaire:sledai2k|v2 is not in the export",
            ]);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Fact]
    public void Check_InvalidResourceAndDanglingReference_Reported()
    {
        // The check itself can fail: an observation breaking invariant obs-6 (a value and a reason for its absence) about a
        // patient not exported.
        var directory = Directory.CreateTempSubdirectory("stroma-fhir-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "Observation.ndjson"),
                "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/x\"},"
                + "\"valueString\":\"1\",\"dataAbsentReason\":{\"text\":\"unknown\"}}\n");
            var (errors, unresolved, _) = Check(directory);
            errors.ShouldNotBeEmpty();
            unresolved.ShouldBe(["Observation/o1 -> Patient/x"]);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task WriteAsync_DemoRegistry_EveryResourceValidatesAndEveryReferenceResolves(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        List<string> studyIds;
        int assessments;
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 4, Seed: 5), Token);
            studyIds = [.. db.Patients.Select(p => p.StudyId)];
            // A laboratory's note (HL7 NTE): free text, exported identifiable only.
            var lab = db.LabResults.OrderBy(l => l.Id).First();
            lab.Note = "Specimen slightly haemolysed";
            db.ChangeReason = "test: a laboratory note";
            await db.SaveChangesAsync(Token);
            assessments = db.Assessments.Count();
        }

        foreach (var deidentify in new[] { false, true })
        {
            var directory = Directory.CreateTempSubdirectory("stroma-fhir-").FullName;
            try
            {
                var counts = await FhirExport.WriteAsync(database.Configuration, directory, new CsvExportOptions([], Deidentify: deidentify), null, Token);

                var (errors, unresolved, read) = Check(directory);
                errors.ShouldBeEmpty();
                unresolved.ShouldBeEmpty();
                CheckAnswers(directory).ShouldBeEmpty();
                read["QuestionnaireResponse"].ShouldBe(assessments);
                read["Questionnaire"].ShouldBeGreaterThanOrEqualTo(Stroma.Clinical.Scoring.InstrumentCatalog.All.Count);
                read.Keys.Order(StringComparer.Ordinal).ShouldBe(FhirExport.ResourceTypes.Order(StringComparer.Ordinal));
                foreach (var type in FhirExport.ResourceTypes)
                {
                    read[type].ShouldBe((int)counts[type], type);
                    read[type].ShouldBeGreaterThan(0, type);
                }

                var patients = File.ReadAllText(Path.Combine(directory, "Patient.ndjson"));
                patients.ShouldNotContain("\"name\"");
                var everything = string.Concat(Directory.GetFiles(directory).Select(File.ReadAllText));
                var observations = File.ReadAllText(Path.Combine(directory, "Observation.ndjson"));
                if (deidentify)
                {
                    observations.ShouldNotContain("\"note\"");
                    everything.ShouldNotContain("haemolysed");
                    studyIds.ShouldAllBe(id => !everything.Contains("\"" + id + "\"", StringComparison.Ordinal));
                    // Nor inside another value: the demo's CAR-T lot labels carry the patient's study id (DEMO-S2-CART-1-CART).
                    studyIds.ShouldAllBe(id => !everything.Contains(id, StringComparison.Ordinal));
                    File.ReadAllText(Path.Combine(directory, "BiologicallyDerivedProduct.ndjson")).ShouldNotContain("\"identifier\"");
                }
                else
                {
                    studyIds.ShouldAllBe(id => patients.Contains("\"" + id + "\"", StringComparison.Ordinal));
                    observations.ShouldContain("\"note\":[{\"text\":\"Specimen slightly haemolysed\"}]");
                }
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }
    }
}
