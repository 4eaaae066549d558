using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Export;
using Stroma.Interop.Fhir;
using Stroma.Interop.Odm;
using Stroma.Interop.Sdtm;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma export --format csv OUTDIR</c>: tidy tables per entity plus a wide per-visit analysis table;
/// <c>--format fhir</c>: FHIR R4 Bulk Data NDJSON, one file per resource type; <c>--format sdtm</c>: CDISC SDTM domains as
/// CSV with define.xml; <c>--format odm FILE.xml</c>: one CDISC ODM 1.3.2 file (docs/interop.md). Each file with its
/// count on stdout; FHIR and SDTM progress on stderr.
/// </summary>
public sealed class ExportCommand(CliIo io) : AsyncCommand<ExportCommand.Settings>
{
    public sealed class Settings : ReadDatabaseSettings
    {
        [CommandArgument(0, "<OUTDIR>")]
        [Description("Folder for the CSV or NDJSON files (created if missing; existing files of the same names are replaced); for odm, the XML file to write.")]
        public string OutputDirectory { get; init; } = "";

        [CommandOption("-f|--format <FORMAT>")]
        [Description("csv (RFC 4180), fhir (FHIR R4 Bulk Data NDJSON, one file per resource type), sdtm (CDISC SDTM domains as CSV, with define.xml) or odm (one CDISC ODM 1.3.2 XML file).")]
        [DefaultValue("csv")]
        public string Format { get; init; } = "csv";

        [CommandOption("--study-id <STUDYID>")]
        [Description("SDTM only: the STUDYID written in every domain and in USUBJID (default STROMA).")]
        public string StudyId { get; init; } = SdtmExport.DefaultStudyId;

        public override ValidationResult Validate() =>
            Format is not ("csv" or "fhir" or "sdtm" or "odm") ? ValidationResult.Error($"Unknown format '{Format}'; expected csv, fhir, sdtm or odm.")
            : Format == "sdtm" && !SdtmExport.IsStudyId(StudyId) ? ValidationResult.Error($"--study-id '{StudyId}' is not a study identifier: 1 to 20 letters, digits, '-' or '_'.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.ReadDatabaseProblem is { } problem)
        {
            io.Error.WriteLine("stroma: " + problem);
            return ExitCodes.Usage;
        }

        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        DataConfiguration? replica = null;
        if (settings.ReadConfiguration is not null)
        {
            var (reads, chosen) = await settings.OpenReadsAsync(io.Error, cancellationToken).ConfigureAwait(false);
            await reads.DisposeAsync().ConfigureAwait(false);
            replica = chosen;
        }

        var options = CsvExportOptions.Everything with { ExportedBy = settings.Actor, ReadFrom = replica };
        if (settings.Format == "fhir")
        {
            var resources = await FhirExport.WriteAsync(configuration, settings.OutputDirectory, options, new Progress(io.Error), cancellationToken).ConfigureAwait(false);
            foreach (var (type, count) in resources)
            {
                io.Out.WriteLine($"{type}.ndjson {count}");
            }

            return ExitCodes.Ok;
        }

        if (settings.Format == "sdtm")
        {
            var records = await SdtmExport.WriteAsync(configuration, settings.OutputDirectory, options, settings.StudyId, new Progress(io.Error), null, cancellationToken).ConfigureAwait(false);
            foreach (var (file, count) in records)
            {
                io.Out.WriteLine($"{file} {count}");
            }

            io.Out.WriteLine(DefineXml.FileName);
            return ExitCodes.Ok;
        }

        if (settings.Format == "odm")
        {
            var odm = await OdmExport.WriteAsync(configuration, settings.OutputDirectory, options, cancellationToken).ConfigureAwait(false);
            io.Out.WriteLine($"{Path.GetFileName(settings.OutputDirectory)} subjects {odm.Subjects}, visits {odm.Visits}, assessments {odm.Assessments}, lab results {odm.LabResults}, diagnoses {odm.Diagnoses}, medications {odm.Medications}, adverse events {odm.AdverseEvents}, deaths {odm.Deaths}, protocol versions {odm.ProtocolVersions}, lots {odm.Lots}, release tests {odm.ReleaseTests}, lot decisions {odm.LotDecisions}, custody events {odm.CustodyEvents}, enrolments {odm.Enrolments}, infusions {odm.Infusions}, contacts {odm.Contacts}, lymphodepletions {odm.Lymphodepletions}, scheduled events {odm.ScheduledEvents}, reschedules {odm.ScheduleChanges}, deviations {odm.Deviations}, queries {odm.Queries}, query steps {odm.QuerySteps}, metadata versions {odm.MetaDataVersions}");
            return ExitCodes.Ok;
        }

        var counts = await CsvExport.WriteAsync(configuration, settings.OutputDirectory, options, cancellationToken).ConfigureAwait(false);
        foreach (var (table, rows) in counts)
        {
            io.Out.WriteLine($"{table}.csv {rows}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Progress lines written straight away (not on the thread pool, as <see cref="Progress{T}"/> would).</summary>
    private sealed class Progress(TextWriter error) : IProgress<string>
    {
        public void Report(string value) => error.WriteLine(value);
    }
}
