using System.ComponentModel;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;
using Stroma.Data.Access;
using Stroma.Data.Quality;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// <c>stroma sdv mark PATIENT --visit DATE [--type T] [--field F]</c>: the acting <c>--user</c>, a monitor of the patient's
/// site in the registry, marks the visit (or one of its fields) source-data-verified (<see cref="SourceDataVerification"/>;
/// the signer is <c>--user</c>, as for the other signatures of the CLI, and the time is now).
/// </summary>
public sealed class SdvMarkCommand(CliIo io, TimeProvider clock) : AsyncCommand<SdvMarkCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandArgument(0, "<PATIENT>")]
        [Description("The patient's study id.")]
        public string Patient { get; init; } = "";

        [CommandOption("--visit <DATE>")]
        [Description("The visit date (yyyy-MM-dd).")]
        public string? Visit { get; init; }

        [CommandOption("--type <TYPE>")]
        [Description("The visit type (e.g. month_6), when the patient has more than one visit that day.")]
        public string? Type { get; init; }

        [CommandOption("--field <FIELD>")]
        [Description("One field of the visit (visit.date, visit.type, lab.<analyte>, score.<instrument>); default: the whole visit.")]
        public string? Field { get; init; }

        public override ValidationResult Validate() => Check(
            (IsDate(Visit), "Give --visit yyyy-MM-dd."),
            (Patient.Trim().Length > 0, "Give the patient's study id."));
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var access = await UserAccess.LoadAsync(db, settings.Actor, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), cancellationToken).ConfigureAwait(false);
        var date = Date(settings.Visit!);
        var visits = await db.Visits.AsNoTracking().Where(v => v.Patient!.StudyId == settings.Patient && v.VisitDate == date
                && (settings.Type == null || v.Type == settings.Type))
            .Select(v => new { v.Id, v.Type }).Take(3).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (visits.Count != 1)
        {
            return Report(io, [Issue.Error(IssueCodes.SdvVisitNotFound, "visit", visits.Count == 0
                ? $"Patient {settings.Patient} has no visit on {settings.Visit}{(settings.Type is null ? "" : $" of type {settings.Type}")} that you may read."
                : $"Patient {settings.Patient} has more than one visit on {settings.Visit} ({string.Join(", ", visits.Select(v => v.Type))}): give --type.")]);
        }

        var user = await db.Users.AsNoTracking().Where(u => u.UserName == settings.Actor).Select(u => u.DisplayName).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var result = await SourceDataVerification.MarkAsync(db, access, visits[0].Id, settings.Field, new SdvSigner(settings.Actor, user ?? settings.Actor), cancellationToken)
            .ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } mark)
        {
            io.Out.WriteLine($"{settings.Patient} {settings.Visit} {mark.Field ?? "whole visit"} verified: signed by {mark.VerifiedByName} ({mark.VerifiedBy}) at {Time(mark.VerifiedAt)} ({mark.Meaning})");
        }

        return code;
    }
}

/// <summary>
/// <c>stroma sdv list [--site S] [--patient P] [--all]</c>: the source data verification coverage per site (verified
/// visits of all visits) and the marks (standing; with <c>--all</c> also the cleared ones and why) on the sites where the
/// acting <c>--user</c> may read clinical records.
/// </summary>
public sealed class SdvListCommand(CliIo io, TimeProvider clock) : AsyncCommand<SdvListCommand.Settings>
{
    public sealed class Settings : DatabaseSettings
    {
        [CommandOption("-s|--site <S>")]
        [Description("Only this site.")]
        public string? Site { get; init; }

        [CommandOption("--patient <P>")]
        [Description("Only this patient (study id).")]
        public string? Patient { get; init; }

        [CommandOption("--all")]
        [Description("Also the cleared marks, with what cleared them.")]
        public bool All { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken, clock).ConfigureAwait(false);
        var access = await UserAccess.LoadAsync(db, settings.Actor, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), cancellationToken).ConfigureAwait(false);
        var sites = access.Sites(Capability.ReadClinical).ToList();
        Guid? siteId = null;
        if (settings.Site is { } code)
        {
            siteId = await db.Sites.AsNoTracking().Where(s => s.Code == code && sites.Contains(s.Id)).Select(s => (Guid?)s.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (siteId is null)
            {
                return Report(io, [Issue.Error(IssueCodes.UnknownSite, "site", $"No site '{code}' where {settings.Actor} may read clinical records.")]);
            }

            sites = [siteId.Value];
        }

        foreach (var c in await SourceDataVerification.CoverageAsync(db, sites, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            io.Out.WriteLine($"{c.SiteCode}: {c.VerifiedVisits.ToString(CultureInfo.InvariantCulture)} of {c.Visits.ToString(CultureInfo.InvariantCulture)} visit(s) verified");
        }

        var marks = await SourceDataVerification.ListAsync(db, access, siteId, currentOnly: !settings.All, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var m in marks.Where(m => settings.Patient is null || m.StudyId == settings.Patient)
                     .OrderBy(m => m.SiteCode, StringComparer.Ordinal).ThenBy(m => m.StudyId, StringComparer.Ordinal).ThenBy(m => m.VisitDate).ThenBy(m => m.VerifiedAt))
        {
            var state = m.ClearedAt is { } cleared ? $"  [cleared {Time(cleared)} by {m.ClearedBy}: {m.ClearedReason}]" : "";
            io.Out.WriteLine($"  {m.SiteCode,-6} {m.StudyId,-12} {m.VisitDate:yyyy-MM-dd} {m.VisitType,-12} {m.Field ?? "(whole visit)",-20} verified by {m.VerifiedBy} at {Time(m.VerifiedAt)}{state}");
        }

        return ExitCodes.Ok;
    }
}
