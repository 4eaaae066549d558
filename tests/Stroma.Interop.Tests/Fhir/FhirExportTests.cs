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
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 4, Seed: 5), Token);
            studyIds = [.. db.Patients.Select(p => p.StudyId)];
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
                read.Keys.Order(StringComparer.Ordinal).ShouldBe(FhirExport.ResourceTypes.Order(StringComparer.Ordinal));
                foreach (var type in FhirExport.ResourceTypes)
                {
                    read[type].ShouldBe((int)counts[type], type);
                    read[type].ShouldBeGreaterThan(0, type);
                }

                var patients = File.ReadAllText(Path.Combine(directory, "Patient.ndjson"));
                patients.ShouldNotContain("\"name\"");
                var everything = string.Concat(Directory.GetFiles(directory).Select(File.ReadAllText));
                if (deidentify)
                {
                    studyIds.ShouldAllBe(id => !everything.Contains("\"" + id + "\"", StringComparison.Ordinal));
                }
                else
                {
                    studyIds.ShouldAllBe(id => patients.Contains("\"" + id + "\"", StringComparison.Ordinal));
                }
            }
            finally
            {
                Directory.Delete(directory, true);
            }
        }
    }
}
