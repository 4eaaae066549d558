using System.ComponentModel;
using Spectre.Console.Cli;
using Stroma.Cli.Io;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using static Stroma.Cli.Commands.CellTherapyArguments;

namespace Stroma.Cli.Commands;

/// <summary>Shared options of <c>stroma trace lot|patient</c>.</summary>
public sealed class TraceSettings : DatabaseSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("Lot id (trace lot) or patient study id (trace patient).")]
    public string Id { get; init; } = "";
}

/// <summary><c>stroma trace lot &lt;LOT&gt;</c>: the lot, its release decision and custody, and every patient who received it, with infusion dates and adverse events.</summary>
public sealed class TraceLotCommand(CliIo io) : AsyncCommand<TraceSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TraceSettings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var (trace, problem) = await Trace.LotAsync(db, settings.Id, cancellationToken).ConfigureAwait(false);
        if (trace is null)
        {
            return Report(io, [problem!]);
        }

        var lot = trace.Lot;
        io.Out.WriteLine($"lot {lot.LotNumber} (site {trace.SiteCode}): {lot.ProductType.Label()}, donor {lot.DonorPseudonym}, {lot.TissueSource}, made {lot.ManufacturedOn:yyyy-MM-dd} at {lot.ManufacturingSite}, "
            + $"{Cells(lot.TotalCells)} cells, expires {lot.ExpiresOn:yyyy-MM-dd}, status {lot.Status.Key()}");
        if (trace.Decision is { } d)
        {
            io.Out.WriteLine($"decision: {d.Verdict.ToString().ToLowerInvariant()} signed by {d.SignedBy} at {Time(d.SignedAt)} ({d.Meaning}), {d.Specification}"
                + (d.Reason is null ? "" : $", reason: {d.Reason}"));
        }

        WriteCustody(io, trace.Custody, "");
        io.Out.WriteLine($"recipients: {trace.Recipients.Count}");
        foreach (var r in trace.Recipients)
        {
            io.Out.WriteLine($"  patient {r.PatientStudyId} (site {r.SiteCode})");
            foreach (var i in r.Infusions)
            {
                io.Out.WriteLine($"    {i.Date:yyyy-MM-dd}  {i.EventKey} ({i.ComponentKey})  {Cells(i.DoseCells)} cells");
            }

            WriteAdverseEvents(io, r.AdverseEvents, "    ");
        }

        return ExitCodes.Ok;
    }

    internal static void WriteCustody(CliIo io, IReadOnlyList<TracedCustodyEvent> custody, string indent)
    {
        io.Out.WriteLine($"{indent}custody: {(custody.Count == 0 ? "none recorded" : custody.Count + " event(s)")}");
        foreach (var c in custody)
        {
            io.Out.WriteLine($"{indent}  {Time(c.At)}  {c.Kind.Key(),-12} {c.Place}, {c.Person}"
                + (c.TemperatureCelsius is { } t ? $", {Text(t)} °C" : "")
                + (c.PatientStudyId is null ? "" : $", patient {c.PatientStudyId}")
                + (c.Warnings is null ? "" : $"  [{c.Warnings.Replace('\n', ' ')}]"));
        }
    }

    internal static void WriteAdverseEvents(CliIo io, IReadOnlyList<TracedAdverseEvent> events, string indent)
    {
        if (events.Count == 0)
        {
            io.Out.WriteLine($"{indent}adverse events: none recorded");
            return;
        }

        io.Out.WriteLine($"{indent}adverse events:");
        foreach (var a in events)
        {
            io.Out.WriteLine($"{indent}  {a.Onset:yyyy-MM-dd}  {a.Term}, CTCAE grade {(a.CtcaeGrade?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not given")}, "
                + $"{(a.Serious ? "serious" : "not serious")}, causality {a.Causality}"
                + (a.Expectedness is { } e ? $", {e.ToString().ToLowerInvariant()}" : "")
                + (a.SuspectLot is null ? "" : $", suspect lot {a.SuspectLot}"));
        }
    }
}

/// <summary><c>stroma trace patient &lt;PATIENT&gt;</c>: every lot the patient received, with infusion dates and each lot's custody history.</summary>
public sealed class TracePatientCommand(CliIo io) : AsyncCommand<TraceSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TraceSettings settings, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(settings, cancellationToken).ConfigureAwait(false);
        var (trace, problem) = await Trace.PatientAsync(db, settings.Id, cancellationToken).ConfigureAwait(false);
        if (trace is null)
        {
            return Report(io, [problem!]);
        }

        io.Out.WriteLine($"patient {trace.PatientStudyId} (site {trace.SiteCode}): {trace.Lots.Count} lot(s) received");
        foreach (var received in trace.Lots)
        {
            var lot = received.Lot;
            io.Out.WriteLine($"  lot {lot.LotNumber}: {lot.ProductType.Label()}, donor {lot.DonorPseudonym}, expires {lot.ExpiresOn:yyyy-MM-dd}, status {lot.Status.Key()}");
            foreach (var i in received.Infusions)
            {
                io.Out.WriteLine($"    infused {i.Date:yyyy-MM-dd}  {i.EventKey} ({i.ComponentKey})  {Cells(i.DoseCells)} cells");
            }

            TraceLotCommand.WriteCustody(io, received.Custody, "    ");
        }

        TraceLotCommand.WriteAdverseEvents(io, trace.AdverseEvents, "  ");
        return ExitCodes.Ok;
    }
}
