using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>
/// Options of a signed lot decision: the meaning of the signature; the signer is <c>--user</c>, the signature's time is
/// now; the decision date (<c>--on</c>, by default today) may be in the past (retrospective entry).
/// </summary>
public class LotDecisionSettings : DatabaseSettings
{
    [CommandArgument(0, "<LOT>")]
    [Description("Lot id.")]
    public string Lot { get; init; } = "";

    [CommandOption("--meaning <TEXT>")]
    [Description("The meaning of the QA signature (e.g. \"QA release for clinical use\"). The signer is --user; the time is now.")]
    public string Meaning { get; init; } = "";

    [CommandOption("--viability-limit <PCT>")]
    [Description("The site's minimum viability, % (ISCT gives none: required to release).")]
    public string? ViabilityLimit { get; init; }

    [CommandOption("--endotoxin-limit <EU_PER_KG>")]
    [Description("The site's maximum endotoxin, EU/kg (ISCT gives none: required to release).")]
    public string? EndotoxinLimit { get; init; }

    [CommandOption("--spec-version <V>")]
    [Description("The version of the site's specification that sets these limits.")]
    public string? SpecVersion { get; init; }

    [CommandOption("--spec-source <TEXT>")]
    [Description("Where the site limits come from (document and version).")]
    public string SpecSource { get; init; } = "site specification";

    [CommandOption("--spec <FILE>")]
    [Description("The site's own release specification as CSV (key,label,kind,limit,unit,source), e.g. for NK cells; replaces the ISCT MSC default. Needs --spec-version.")]
    public string? SpecFile { get; init; }

    [CommandOption("--spec-name <NAME>")]
    [Description("Name of the site's specification given with --spec.")]
    [DefaultValue("site release specification")]
    public string SpecName { get; init; } = "site release specification";

    [CommandOption("--on <DATE>")]
    [Description("The decision date, YYYY-MM-DD (default: today), when a past release or rejection is entered; the lot's expiry is checked on it.")]
    public string? On { get; init; }

    [CommandOption("--late-reason <TEXT>")]
    [Description("Why this is entered more than the study's late-entry days (default 7) after it happened; required then.")]
    public string? LateReason { get; init; }

    /// <summary>
    /// The site's specification file when given (its problems as issues), else the ISCT 2006 MSC specification with
    /// the site's limits (unset limits stay unset and refuse a release, LOT002).
    /// </summary>
    internal (ReleaseSpecification? Specification, IReadOnlyList<Issue> Issues) Specification()
    {
        if (SpecFile is not null)
        {
            return ReleaseSpecificationFile.Read(SpecFile, SpecName, SpecVersion!);
        }

        {
            var spec = ReleaseSpecification.IsctMscDefault;
            var version = SpecVersion ?? "site";
            if (ViabilityLimit is not null)
            {
                spec = spec.WithLimit("viability", Number(ViabilityLimit), version, SpecSource);
            }

            if (EndotoxinLimit is not null)
            {
                spec = spec.WithLimit("endotoxin", Number(EndotoxinLimit), version, SpecSource);
            }

            return (spec, []);
        }
    }

    public override ValidationResult Validate() => Check(
        (ViabilityLimit is null || IsNumber(ViabilityLimit), "--viability-limit must be a percentage."),
        (EndotoxinLimit is null || IsNumber(EndotoxinLimit), "--endotoxin-limit must be a number of EU/kg."),
        ((ViabilityLimit is null && EndotoxinLimit is null) || SpecVersion is not null, "Name the site specification's --spec-version with its limits."),
        (SpecFile is null || (ViabilityLimit is null && EndotoxinLimit is null), "--spec replaces the ISCT default: put viability and endotoxin limits in the file."),
        (SpecFile is null || SpecVersion is not null, "Name the version of the --spec file with --spec-version."),
        (SpecFile is null || File.Exists(SpecFile), $"Specification file '{SpecFile}' does not exist."),
        (On is null || IsDate(On), "--on must be YYYY-MM-DD."));

    internal async Task<int> DecideAsync(CliIo io, TimeProvider clock, ReleaseVerdict verdict, string? reason, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(this, cancellationToken, clock).ConfigureAwait(false);
        var decision = new ReleaseDecision(verdict, Actor, db.Clock.GetUtcNow(), Meaning, reason);
        var (specification, problems) = Specification();
        if (specification is null)
        {
            return Report(io, problems);
        }

        var result = await Lots.DecideAsync(db, Lot, specification, decision, On is null ? null : Date(On), LateReason, cancellationToken).ConfigureAwait(false);
        var code = Report(io, result.Issues);
        if (result.Value is { } d)
        {
            io.Out.WriteLine($"lot {Lot} {(verdict == ReleaseVerdict.Release ? "released" : "rejected")}: signed by {d.SignedBy} at {Time(d.SignedAt)} ({d.Meaning}), "
                + $"specification {d.SpecificationName} {d.SpecificationVersion}{(d.Reason is null ? "" : $", reason: {d.Reason}")}"
                + (On is null ? "" : $", decided on {d.DecisionDate:yyyy-MM-dd}") + EnteredLate(d));
        }

        return code;
    }
}

/// <summary><c>stroma lot release &lt;LOT&gt;</c>: releases a lot in quarantine whose results pass the specification (<see cref="LotRelease.Decide"/>).</summary>
public sealed class LotReleaseCommand(CliIo io, TimeProvider clock) : AsyncCommand<LotDecisionSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, LotDecisionSettings settings, CancellationToken cancellationToken) =>
        settings.DecideAsync(io, clock, ReleaseVerdict.Release, null, cancellationToken);
}

/// <summary><c>stroma lot reject &lt;LOT&gt; --reason R</c>: rejects a lot in quarantine.</summary>
public sealed class LotRejectCommand(CliIo io, TimeProvider clock) : AsyncCommand<LotRejectCommand.Settings>
{
    public sealed class Settings : LotDecisionSettings
    {
        [CommandOption("--reason <TEXT>")]
        [Description("Why the lot is rejected (required).")]
        public string? Reason { get; init; }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        settings.DecideAsync(io, clock, ReleaseVerdict.Reject, settings.Reason, cancellationToken);
}
