using System.Globalization;
using Stroma.Clinical.Issues;
using Stroma.Data;

namespace Stroma.Interop.Hl7;

/// <summary>The outcome of one file: its envelope problems (then nothing in it was loaded) and each message's outcome and ACK.</summary>
public sealed record Hl7FileOutcome(string File, IReadOnlyList<Issue> FileIssues, IReadOnlyList<(Hl7MessageOutcome Outcome, string Ack)> Messages);

/// <summary>Progress of <c>stroma import hl7</c> over files.</summary>
public readonly record struct Hl7ImportProgress(int Files, int TotalFiles, int Messages);

/// <summary>
/// <c>stroma import hl7 FILE|DIR</c>: every message of every file (<c>*.hl7</c>, <c>*.txt</c>, <c>*.er7</c> in a
/// directory, in name order) is loaded on its own by <see cref="Hl7LabImport"/> (each loads whole or writes nothing)
/// and gets its ACK. A file whose batch envelope (FHS/BHS/BTS/FTS) is broken is refused whole: a trailer that
/// counts more messages than arrived means part of the batch is missing.
/// </summary>
public static class Hl7FileImport
{
    public static readonly IReadOnlyList<string> Extensions = [".hl7", ".txt", ".er7"];

    /// <summary>The files <paramref name="path"/> names: the file itself, or a directory's message files in ordinal name order.</summary>
    public static IReadOnlyList<string> Files(string path) =>
        Directory.Exists(path)
            ? [.. Directory.EnumerateFiles(path).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal)]
            : [path];

    public static async Task<Hl7FileOutcome> ImportFileAsync(DataConfiguration configuration, string actor, TimeProvider clock, string file, Hl7ImportOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        var reads = Er7.ReadAll(text, out var envelope);
        if (envelope.Count > 0 || reads.Count == 0)
        {
            IReadOnlyList<Issue> issues = envelope.Count > 0 ? envelope : [Issue.Error(IssueCodes.Hl7Malformed, "MSH", "The file holds no HL7 message (no MSH segment).")];
            return new Hl7FileOutcome(file, issues, []);
        }

        var messages = new List<(Hl7MessageOutcome, string)>();
        foreach (var read in reads)
        {
            await using var db = StromaDatabase.CreateContext(configuration, actor, clock);
            var outcome = await Hl7LabImport.ImportAsync(db, read, options, cancellationToken).ConfigureAwait(false);
            messages.Add((outcome, Hl7Ack.Write(read, outcome, clock.GetLocalNow())));
        }

        return new Hl7FileOutcome(file, [], messages);
    }

    /// <summary>A file name for a message's ACK: the control id with anything but letters, digits, '-' and '_' replaced.</summary>
    public static string AckFileName(string sourceFile, int index, string controlId)
    {
        var safe = new string([.. controlId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
        return $"{Path.GetFileNameWithoutExtension(sourceFile)}.{(index + 1).ToString(CultureInfo.InvariantCulture)}{(safe.Length > 0 ? "." + safe : "")}.ack.hl7";
    }
}
