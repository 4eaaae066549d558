using System.ComponentModel;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Visits;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>Finds a patient's visit by date (and type) for the medication commands.</summary>
internal static class MedicationArguments
{
    public static bool TryClass(string? text, out MedicationClass value) =>
        Enum.TryParse(text?.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    public static string Key(this MedicationClass value) => value.ToString().ToLowerInvariant();

    public static async Task<(Guid? Visit, Issue? Issue)> VisitAsync(StromaDbContext db, string patient, DateOnly date, string? type, CancellationToken cancellationToken)
    {
        var visits = await db.Visits.AsNoTracking().Where(v => v.Patient!.StudyId == patient && v.VisitDate == date && (type == null || v.Type == type))
            .Select(v => new { v.Id, v.Type }).Take(3).ToListAsync(cancellationToken).ConfigureAwait(false);
        return visits.Count == 1
            ? (visits[0].Id, null)
            : (null, Issue.Error(IssueCodes.UnknownVisit, "visit", visits.Count == 0
                ? $"Patient {patient} has no visit on {date:yyyy-MM-dd}{(type is null ? "" : $" of type {type}")}."
                : $"Patient {patient} has more than one visit on {date:yyyy-MM-dd} ({string.Join(", ", visits.Select(v => v.Type))}): give --type."));
    }

    public static string Describe(Medication m) =>
        $"{m.Drug} ({m.Class.Key()}){(m.Dose is { } d ? $" {Text(d)} {m.DoseUnit}" : "")}{(m.Frequency is { } f ? $" {f}" : "")}"
        + $"{(m.PrednisoneEquivalentMgPerDay is { } p ? $", prednisone-equivalent {Text(p)} mg/day" : "")}, from {m.StartDate:yyyy-MM-dd}{(m.StopDate is { } s ? $" to {s:yyyy-MM-dd}" : " (running)")}";
}

/// <summary>
/// <c>stroma medication add PATIENT --visit DATE --drug NAME --class C [--dose D --unit U] [--frequency F]
/// [--prednisone-equivalent MG] --start DATE [--stop DATE]</c>: records a medication course at a visit through
/// <see cref="VisitMedications"/> (refused under a signed visit, VIS001).
/// </summary>
public sealed class MedicationAddCommand(CliIo io, TimeProvider clock) : AsyncCommand<MedicationAddCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("The patient's study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--visit <DATE>")]
        [Description("The date (yyyy-MM-dd) of the visit the course is recorded at.")]
        public string? Visit { get; init; }

        [CommandOption("--type <TYPE>")]
        [Description("The visit type (e.g. month_6), when the patient has more than one visit that day.")]
        public string? Type { get; init; }

        [CommandOption("--drug <NAME>")]
        [Description("The drug as prescribed (its INN, e.g. prednisone); free text: Stroma keeps no drug list.")]
        public string? Drug { get; init; }

        [CommandOption("--class <CLASS>")]
        [Description("glucocorticoid, immunosuppressant, antimalarial, biologic or other.")]
        public string? Class { get; init; }

        [CommandOption("--dose <DOSE>")]
        [Description("The dose as prescribed (a positive number; with --unit).")]
        public string? Dose { get; init; }

        [CommandOption("--unit <UNIT>")]
        [Description("The dose's UCUM unit (e.g. mg, g).")]
        public string? Unit { get; init; }

        [CommandOption("--frequency <TEXT>")]
        [Description("The frequency as prescribed (e.g. daily, monthly IV).")]
        public string? Frequency { get; init; }

        [CommandOption("--prednisone-equivalent <MG>")]
        [Description("For a glucocorticoid: the daily dose as prednisone-equivalent mg/day.")]
        public string? PrednisoneEquivalent { get; init; }

        [CommandOption("--start <DATE>")]
        [Description("The course's start date (yyyy-MM-dd).")]
        public string? Start { get; init; }

        [CommandOption("--stop <DATE>")]
        [Description("The course's stop date (yyyy-MM-dd), when it has ended.")]
        public string? Stop { get; init; }

        public override ValidationResult Validate() => Check(
            (Patient.Trim().Length > 0, "Give the patient's study id."),
            (IsDate(Visit), "Give --visit yyyy-MM-dd."),
            (!string.IsNullOrWhiteSpace(Drug), "Give --drug, the drug's name."),
            (MedicationArguments.TryClass(Class, out _), "Give --class: glucocorticoid, immunosuppressant, antimalarial, biologic or other."),
            (Dose is null || IsNumber(Dose), $"--dose '{Dose}' is not a number."),
            (PrednisoneEquivalent is null || IsNumber(PrednisoneEquivalent), $"--prednisone-equivalent '{PrednisoneEquivalent}' is not a number."),
            (IsDate(Start), "Give --start yyyy-MM-dd."),
            (Stop is null || IsDate(Stop), "Give --stop as yyyy-MM-dd."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var (visit, issue) = await MedicationArguments.VisitAsync(db, settings.Patient, Date(settings.Visit!), settings.Type, cancellationToken).ConfigureAwait(false);
        if (visit is null)
        {
            return Report(io, [issue!]);
        }

        MedicationArguments.TryClass(settings.Class, out var kind);
        var result = await VisitMedications.AddAsync(db, new MedicationRequest(visit.Value, kind, settings.Drug!,
            settings.Dose is { } d ? Number(d) : null, settings.Unit, settings.Frequency,
            settings.PrednisoneEquivalent is { } p ? Number(p) : null, Date(settings.Start!), settings.Stop is { } s ? Date(s) : null), cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } m)
        {
            io.Out.WriteLine($"recorded: {settings.Patient} at the visit of {settings.Visit}: {MedicationArguments.Describe(m)}");
        }

        return code;
    }
}

/// <summary>
/// <c>stroma medication stop PATIENT --drug NAME --stop DATE [--start DATE] [--reason TEXT]</c>: records the stop date of
/// the patient's running course of that drug (<c>--start</c> when more than one is running).
/// </summary>
public sealed class MedicationStopCommand(CliIo io, TimeProvider clock) : AsyncCommand<MedicationStopCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("The patient's study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--drug <NAME>")]
        [Description("The running course's drug, as recorded.")]
        public string? Drug { get; init; }

        [CommandOption("--start <DATE>")]
        [Description("The running course's start date (yyyy-MM-dd), when more than one course of the drug is running.")]
        public string? Start { get; init; }

        [CommandOption("--stop <DATE>")]
        [Description("The date the course stopped (yyyy-MM-dd).")]
        public string? Stop { get; init; }

        [CommandOption("--reason <TEXT>")]
        [Description("Why it stopped (kept in the audit trail).")]
        public string? Reason { get; init; }

        public override ValidationResult Validate() => Check(
            (Patient.Trim().Length > 0, "Give the patient's study id."),
            (!string.IsNullOrWhiteSpace(Drug), "Give --drug, the running course's drug."),
            (Start is null || IsDate(Start), "Give --start as yyyy-MM-dd."),
            (IsDate(Stop), "Give --stop yyyy-MM-dd."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var drug = settings.Drug!.Trim();
        DateOnly? start = settings.Start is { } s ? Date(s) : null;
        var running = await db.Medications.AsNoTracking()
            .Where(m => m.Patient!.StudyId == settings.Patient && m.StopDate == null && m.Drug == drug && (start == null || m.StartDate == start))
            .Select(m => new { m.Id, m.PatientId, m.StartDate }).Take(3).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (running.Count != 1)
        {
            return Report(io, [Issue.Error(IssueCodes.MedicationNotRunning, "drug", running.Count == 0
                ? $"Patient {settings.Patient} has no running course of {drug}{(start is null ? "" : $" started on {start:yyyy-MM-dd}")}."
                : $"Patient {settings.Patient} has more than one running course of {drug} ({string.Join(", ", running.Select(r => r.StartDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))}): give --start.")]);
        }

        var result = await VisitMedications.StopAsync(db, running[0].PatientId, running[0].Id, Date(settings.Stop!), settings.Reason, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } m)
        {
            io.Out.WriteLine($"stopped: {settings.Patient}: {MedicationArguments.Describe(m)}");
        }

        return code;
    }
}

/// <summary><c>stroma medication list PATIENT</c>: the patient's medication courses, by start date.</summary>
public sealed class MedicationListCommand(CliIo io, TimeProvider clock) : AsyncCommand<MedicationListCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("The patient's study id.")]
        public string Patient { get; init; } = "";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var rows = await db.Medications.AsNoTracking().Where(m => m.Patient!.StudyId == settings.Patient)
            .Select(m => new { Medication = m, VisitDate = (DateOnly?)m.Visit!.VisitDate }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var row in rows.OrderBy(r => r.Medication.StartDate).ThenBy(r => r.Medication.Drug, StringComparer.Ordinal))
        {
            io.Out.WriteLine($"{settings.Patient} {MedicationArguments.Describe(row.Medication)}{(row.VisitDate is { } v ? $"; recorded at the visit of {v:yyyy-MM-dd}" : "")}");
        }

        return ExitCodes.Ok;
    }
}
