using System.ComponentModel;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Outcomes;
using Stroma.Clinical.Time;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma adjudicate --site S --patient ID --date D --months M --category mcr|pcr|nr|relapse --basis TEXT
/// [--visit KEY ...] [--by USER] [--at INSTANT]</c>: records one investigator's adjudicated clinical response. The
/// record is checked as a clinician's judgement (who, on what basis) before it is stored; it is audited like every
/// clinical record and never hard-deleted.
/// </summary>
public sealed class AdjudicateCommand(CliIo io, TimeProvider clock) : AsyncCommand<AdjudicateCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandOption("--site <S>")]
        [Description("Site code of the patient.")]
        public string? Site { get; init; }

        [CommandOption("--patient <ID>")]
        [Description("The patient's study id at that site.")]
        public string? Patient { get; init; }

        [CommandOption("--date <YYYY-MM-DD>")]
        [Description("Clinical date the response refers to.")]
        public string? Date { get; init; }

        [CommandOption("--months <M>")]
        [Description("Months from the first infusion to that date (e.g. 6).")]
        public decimal? Months { get; init; }

        [CommandOption("--category <C>")]
        [Description("mcr, pcr, nr or relapse.")]
        public string? Category { get; init; }

        [CommandOption("--basis <TEXT>")]
        [Description("The criteria as applied and what the judgement rests on (required).")]
        public string? Basis { get; init; }

        [CommandOption("--visit <KEY>")]
        [Description("A visit the judgement rests on (visit type or id; repeat for several).")]
        public string[] Visits { get; init; } = [];

        [CommandOption("--by <USER>")]
        [Description("Who adjudicated (default: the acting user).")]
        public string? By { get; init; }

        [CommandOption("--at <INSTANT>")]
        [Description("When the adjudication was made (ISO 8601 with offset; default: now).")]
        public string? At { get; init; }

        public override ValidationResult Validate()
        {
            foreach (var (name, value) in new[] { ("--site", Site), ("--patient", Patient), ("--date", Date), ("--category", Category) })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    return ValidationResult.Error($"{name} is required.");
                }
            }

            return Months is null ? ValidationResult.Error("--months is required.") : ValidationResult.Success();
        }
    }

    internal static ClinicalResponseCategory? ParseCategory(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mcr" or "major" => ClinicalResponseCategory.MajorClinicalResponse,
        "pcr" or "partial" => ClinicalResponseCategory.PartialClinicalResponse,
        "nr" or "none" => ClinicalResponseCategory.NoResponse,
        "relapse" => ClinicalResponseCategory.Relapse,
        _ => null,
    };

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var issues = new List<Issue>();
        if (!DateOnly.TryParseExact(settings.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            issues.Add(Issue.Error(IssueCodes.WrongType, "date", $"'{settings.Date}' is not a date (YYYY-MM-DD)."));
        }

        var category = ParseCategory(settings.Category!);
        if (category is null)
        {
            issues.Add(Issue.Error(IssueCodes.NotAChoice, "category", $"'{settings.Category}' is not one of mcr, pcr, nr, relapse."));
        }

        var parsedAt = InstantPattern.ParseOrNow(settings.At, "at", clock);
        if (parsedAt.Issue is { } atIssue)
        {
            issues.Add(atIssue);
        }

        var at = parsedAt.Success ? parsedAt.Value : default;

        var configuration = settings.Configuration;
        await StromaDatabase.EnsureReadyAsync(configuration, cancellationToken).ConfigureAwait(false);
        await using var db = StromaDatabase.CreateContext(configuration, settings.Actor);
        var patient = await db.Patients.SingleOrDefaultAsync(p => p.Site!.Code == settings.Site && p.StudyId == settings.Patient, cancellationToken).ConfigureAwait(false);
        if (patient is null)
        {
            issues.Add(Issue.Error(IssueCodes.UnknownPatient, "patient", $"No patient '{settings.Patient}' at site '{settings.Site}'."));
        }

        var by = settings.By ?? settings.Actor;
        if (issues.Count == 0)
        {
            var domain = new AdjudicatedResponse(settings.Patient!, date, settings.Months!.Value, category!.Value, settings.Basis ?? "", settings.Visits, by, at.ToUniversalTime());
            issues.AddRange(domain.Validate());
        }

        if (issues.Count > 0)
        {
            foreach (var issue in issues)
            {
                io.Error.WriteLine($"line 1: {issue}");
            }

            return ExitCodes.InvalidInput;
        }

        var record = new ResponseAdjudication
        {
            Id = Guid.CreateVersion7(),
            PatientId = patient!.Id,
            AssessmentDate = date,
            MonthsSinceStart = settings.Months!.Value,
            Category = category!.Value,
            Basis = settings.Basis!,
            VisitKeys = string.Join(';', settings.Visits),
            AdjudicatedBy = by,
            AdjudicatedAt = at.ToUniversalTime(),
        };
        db.ResponseAdjudications.Add(record);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        io.Out.WriteLine($"adjudication {record.Id} recorded: {settings.Site}/{settings.Patient} {date:yyyy-MM-dd} (month {record.MonthsSinceStart.ToString(CultureInfo.InvariantCulture)}) {record.Category} by {by}");
        return ExitCodes.Ok;
    }
}
