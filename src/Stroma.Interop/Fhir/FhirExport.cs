using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Data;
using Stroma.Data.Audit;
using Stroma.Data.Export;
using Stroma.Data.Model;
using Task = System.Threading.Tasks.Task;

namespace Stroma.Interop.Fhir;

/// <summary>
/// <c>stroma export --format fhir OUTDIR</c>: the FHIR Bulk Data Access (Flat FHIR) output format, one NDJSON file per
/// resource type (<c>Patient.ndjson</c>, <c>Observation.ndjson</c>, ...; one resource per line, UTF-8, LF), FHIR R4.
/// Each table streams from the database and each resource is written as it is mapped, so memory stays flat (only the
/// patient key map is held, as in the CSV export). It narrows to sites and de-identifies exactly as
/// <see cref="CsvExport"/> does (<see cref="CsvExportOptions"/>), and is audited the same way.
/// </summary>
public static class FhirExport
{
    /// <summary>The resource types written, in the order their files are written (referenced types first).</summary>
    public static IReadOnlyList<string> ResourceTypes { get; } =
        [
            "Patient", "ResearchStudy", "Consent", "ResearchSubject", "Condition", "BiologicallyDerivedProduct", "Procedure", "Questionnaire",
            "QuestionnaireResponse", "Observation", "AdverseEvent",
        ];

    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    public static async Task<IReadOnlyDictionary<string, long>> WriteAsync(DataConfiguration configuration, string directory, CsvExportOptions options,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(directory);
        // Reads go to the read replica when one was chosen (docs/operations.md "Read replicas"); the audit entry to the primary.
        await using var db = options.ReadFrom is { } replica ? StromaDatabase.CreateReadOnlyContext(replica) : StromaDatabase.CreateStreamingContext(configuration);
        var (siteIds, keys, patients) = await CsvExport.ResolveScopeAsync(db, options, cancellationToken).ConfigureAwait(false);
        var map = new FhirMapper(FhirIds.From(keys));
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);

        IQueryable<T> Rows<T>()
            where T : TrackedRecord =>
            CsvExport.OfSites<T>(db, db.Model.FindEntityType(typeof(T))!, siteIds).OrderBy(e => e.Id);

        async Task WriteAsync<T>(NdjsonFile file, IQueryable<T> rows, Func<T, IEnumerable<Resource>> resources)
        {
            await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                foreach (var resource in resources(row))
                {
                    await file.WriteAsync(resource, cancellationToken).ConfigureAwait(false);
                }
            }

            db.ChangeTracker.Clear();
        }

        await using (var file = new NdjsonFile(directory, "Patient", counts, progress))
        {
            await WriteAsync(file, Rows<Stroma.Data.Model.Patient>(), p => [map.Patient(p, patients[p.Id].Site)]).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "ResearchStudy", counts, progress))
        {
            // Protocols are the study's, not a site's (as in the CSV export): site-defined ones, and the built-in templates enrolled on.
            var titles = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var template in ProtocolTemplates.All)
            {
                titles[template.Key] = template.Name;
            }

            await foreach (var p in db.Protocols.AsNoTracking().Select(p => new { p.Key, p.Name }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                titles[p.Key] = p.Name;
            }

            var enrolled = await Rows<ProtocolEnrolment>().Select(e => e.ProtocolKey).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
            var site = await db.Protocols.AsNoTracking().Select(p => p.Key).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var key in enrolled.Union(site).Order(StringComparer.Ordinal))
            {
                await file.WriteAsync(FhirMapper.Study(key, titles.GetValueOrDefault(key, key)), cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var file = new NdjsonFile(directory, "Consent", counts, progress))
        {
            await WriteAsync(file, Rows<Stroma.Data.Model.Patient>().Where(p => p.ConsentDate != null), p => [map.PatientConsent(p)]).ConfigureAwait(false);
            await WriteAsync(file, Rows<ProtocolEnrolment>().Where(e => e.ConsentSignedOn != null), e => [map.EnrolmentConsent(e)]).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "ResearchSubject", counts, progress))
        {
            await WriteAsync(file, Rows<ProtocolEnrolment>(), e => [map.Subject(e)]).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "Condition", counts, progress))
        {
            await WriteAsync(file, Rows<Diagnosis>(), d => [map.Condition(d)]).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "BiologicallyDerivedProduct", counts, progress))
        {
            await WriteAsync(file, Rows<CellLotRecord>(), l => [map.Lot(l)]).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "Procedure", counts, progress))
        {
            await WriteAsync(file, Rows<Infusion>(), i => [map.Infusion(i)]).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "Questionnaire", counts, progress))
        {
            // Every instrument at its current version, and each older algorithm version that scored an exported assessment.
            var versions = await Rows<Assessment>().Select(a => new { a.Instrument, a.AlgorithmVersion }).Distinct()
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var (instrument, version) in FhirQuestionnaire.Versions(versions.Select(v => (v.Instrument, v.AlgorithmVersion))))
            {
                await file.WriteAsync(FhirQuestionnaire.For(instrument, version), cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var file = new NdjsonFile(directory, "QuestionnaireResponse", counts, progress))
        {
            await WriteAsync(file, Rows<Assessment>(), a => map.QuestionnaireResponse(a) is { } r ? [r] : []).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "Observation", counts, progress))
        {
            await WriteAsync(file, Rows<LabResult>(), l => [map.Lab(l)]).ConfigureAwait(false);
            await WriteAsync(file, Rows<Assessment>(), a => [map.Instrument(a)]).ConfigureAwait(false);
            await WriteAsync(file, Rows<Infusion>(), i => [map.InfusionDose(i)]).ConfigureAwait(false);
        }

        await using (var file = new NdjsonFile(directory, "AdverseEvent", counts, progress))
        {
            await WriteAsync(file, Rows<Stroma.Data.Model.AdverseEvent>(), a => [map.AdverseEvent(a)]).ConfigureAwait(false);
        }

        // Every export is on the audit trail: who, when, which sites, identifiable or not, how many resources.
        await using var audit = StromaDatabase.CreateContext(configuration, options.ExportedBy ?? "system");
        await AuditTrail.AppendAccessAsync(audit, "export", "fhir-export", new Dictionary<string, object?>
        {
            ["sites"] = options.Sites.Count > 0 ? options.Sites : "all",
            ["deidentified"] = options.Deidentify,
            ["resources"] = counts.Values.Sum(),
        }, cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <summary>One <c>TYPE.ndjson</c> file: each resource serialised as one line as soon as it is mapped.</summary>
    private sealed class NdjsonFile : IAsyncDisposable
    {
        private readonly FileStream stream;
        private readonly Utf8JsonWriter writer;
        private readonly string type;
        private readonly Dictionary<string, long> counts;
        private readonly IProgress<string>? progress;
        private long count;

        public NdjsonFile(string directory, string type, Dictionary<string, long> counts, IProgress<string>? progress)
        {
            stream = new FileStream(Path.Combine(directory, type + ".ndjson"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            writer = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
            this.type = type;
            this.counts = counts;
            this.progress = progress;
        }

        public async Task WriteAsync(Resource resource, CancellationToken cancellationToken)
        {
            JsonSerializer.Serialize(writer, resource, Json);
            writer.Flush();
            writer.Reset();
            stream.WriteByte((byte)'\n');
            if (++count % 100_000 == 0)
            {
                progress?.Report($"{type}: {count} resources");
            }

            if (stream.Position > 1 << 20)
            {
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            counts[type] = count;
            progress?.Report($"{type}: done, {count} resources");
        }
    }
}
