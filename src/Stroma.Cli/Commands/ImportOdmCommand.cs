using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Interop.Odm;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma import odm FILE.xml</c>: loads a CDISC ODM 1.3.2 Snapshot as <c>stroma export --format odm</c> writes it into an
/// empty registry, all or nothing (docs/interop.md "CDISC ODM 1.3.2"). A line per problem on standard error (code, where in
/// the file, why; exit 1, nothing written), else a summary on standard output.
/// </summary>
public sealed class ImportOdmCommand(CliIo io) : AsyncCommand<ImportOdmCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("An ODM 1.3.2 XML file written by stroma export --format odm.")]
        public string File { get; init; } = "";

        public override ValidationResult Validate() =>
            !System.IO.File.Exists(File) ? ValidationResult.Error($"Input file '{File}' does not exist.") : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(configuration, settings.Actor);
        var result = await OdmImport.RunAsync(db, settings.File, cancellationToken).ConfigureAwait(false);
        foreach (var issue in result.Issues)
        {
            io.Error.WriteLine($"{issue.Code}: {issue.Message}");
        }

        if (result.Refused)
        {
            io.Error.WriteLine($"{Path.GetFileName(settings.File)}: refused, nothing imported");
            return ExitCodes.InvalidInput;
        }

        io.Out.WriteLine($"{Path.GetFileName(settings.File)}: sites {result.Sites}, subjects {result.Subjects}, visits {result.Visits}, assessments {result.Assessments}, lab results {result.LabResults}, diagnoses {result.Diagnoses}, medications {result.Medications}, adverse events {result.AdverseEvents}, deaths {result.Deaths}, protocol versions {result.ProtocolVersions}, lots {result.Lots}, release tests {result.ReleaseTests}, lot decisions {result.LotDecisions}, custody events {result.CustodyEvents}, enrolments {result.Enrolments}, infusions {result.Infusions}, contacts {result.Contacts}, lymphodepletions {result.Lymphodepletions}, scheduled events {result.ScheduledEvents}, reschedules {result.ScheduleChanges}, deviations {result.Deviations}, queries {result.Queries}, query steps {result.QuerySteps}");
        return ExitCodes.Ok;
    }
}
