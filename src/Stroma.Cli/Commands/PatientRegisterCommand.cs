using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Data.Registry;
using static Stroma.Cli.Commands.CellTherapyArguments;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma patient register STUDY_ID --site S --sex female|male --birth-year Y|--birth-date D --consent-version V
/// --consent-date D</c>: registers a patient with the consent, as the web registration form does (<see cref="Registration"/>);
/// enrolling on a protocol is <c>stroma enrol</c>.
/// </summary>
public sealed class PatientRegisterCommand(CliIo io) : AsyncCommand<PatientRegisterCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<STUDY_ID>")]
        [Description("Pseudonymous study id, unique within the site (never a name or hospital number).")]
        public string StudyId { get; init; } = "";

        [CommandOption("--site <CODE>")]
        [Description("Site code (see 'stroma site add').")]
        public string? Site { get; init; }

        [CommandOption("--sex <SEX>")]
        [Description("female or male.")]
        public string? Sex { get; init; }

        [CommandOption("--birth-year <YEAR>")]
        [Description("Year of birth (or give --birth-date).")]
        public int? BirthYear { get; init; }

        [CommandOption("--birth-date <DATE>")]
        [Description("Date of birth, YYYY-MM-DD.")]
        public string? BirthDate { get; init; }

        [CommandOption("--consent-version <V>")]
        [Description("Version of the consent form the patient signed (required).")]
        public string? ConsentVersion { get; init; }

        [CommandOption("--consent-date <DATE>")]
        [Description("Date the consent was signed, YYYY-MM-DD (required; not in the future).")]
        public string? ConsentDate { get; init; }

        internal Sex? ParsedSex => Sex?.Trim().ToLowerInvariant() switch
        {
            "female" or "f" => Clinical.Labs.Sex.Female,
            "male" or "m" => Clinical.Labs.Sex.Male,
            _ => null,
        };

        public override ValidationResult Validate() => Check(
            (!string.IsNullOrWhiteSpace(Site), "Give --site CODE."),
            (ParsedSex is not null, $"--sex must be female or male; got '{Sex}'."),
            (BirthDate is null || IsDate(BirthDate), "--birth-date must be YYYY-MM-DD."),
            (ConsentDate is null || IsDate(ConsentDate), "--consent-date must be YYYY-MM-DD."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var request = new PatientRequest(settings.Site!, settings.StudyId, settings.ParsedSex, settings.BirthYear,
            settings.BirthDate is null ? null : Date(settings.BirthDate), settings.ConsentVersion,
            settings.ConsentDate is null ? null : Date(settings.ConsentDate));
        var result = await Registration.RegisterPatientAsync(db, request, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } patient)
        {
            io.Out.WriteLine($"patient {patient.StudyId} registered at site {settings.Site!.Trim()}, consent version {patient.ConsentVersion} signed {patient.ConsentDate:yyyy-MM-dd}");
            io.Out.WriteLine($"enrol on a protocol with: stroma enrol {patient.StudyId} --protocol KEY --start DATE --consent-signed DATE");
        }

        return code;
    }
}
