using System.Globalization;
using System.Text;
using Stroma.Clinical.Issues;

namespace Stroma.Interop.Hl7;

/// <summary>
/// The five delimiters a message declares in MSH-1 and MSH-2 (HL7 v2.5.1 Chapter 2, section 2.5.4 "Message
/// delimiters"): field <c>|</c>, component <c>^</c>, repetition <c>~</c>, escape <c>\</c>, subcomponent <c>&amp;</c>
/// by convention, but any five distinct characters are allowed.
/// </summary>
public sealed record Hl7Delimiters(char Field, char Component, char Repetition, char Escape, char Subcomponent)
{
    public static Hl7Delimiters Default { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as written: component, repetition, escape, subcomponent.</summary>
    public string EncodingCharacters => new([Component, Repetition, Escape, Subcomponent]);

    /// <summary>Escapes text for a field (the inverse of reading: delimiters become \F\ \S\ \R\ \T\ \E\, line breaks \.br\).</summary>
    public string EscapeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length + 8);
        foreach (var c in text.ReplaceLineEndings("\n"))
        {
            var code = c == Field ? "F" : c == Component ? "S" : c == Repetition ? "R" : c == Subcomponent ? "T" : c == Escape ? "E" : c == '\n' ? ".br" : null;
            if (code is null)
            {
                result.Append(c);
            }
            else
            {
                result.Append(Escape).Append(code).Append(Escape);
            }
        }

        return result.ToString();
    }
}

/// <summary>
/// One segment of an ER7 (pipe-delimited) message. Fields keep their escaped text; a value is unescaped when it is
/// read (<see cref="Value"/>), after splitting on the delimiters, so an escaped delimiter never splits a value.
/// Field numbers are HL7's: for MSH, MSH-1 is the field separator itself and MSH-2 the encoding characters.
/// </summary>
public sealed class Hl7Segment
{
    private readonly string[] fields;

    internal Hl7Segment(string text, Hl7Delimiters delimiters, int number)
    {
        Text = text;
        Delimiters = delimiters;
        Number = number;
        fields = text.Split(delimiters.Field);
        Id = fields[0];
    }

    /// <summary>The segment id (MSH, PID, OBR, OBX, NTE, ...).</summary>
    public string Id { get; }

    /// <summary>The segment's 1-based position in its message.</summary>
    public int Number { get; }

    /// <summary>The segment as received (escaped).</summary>
    public string Text { get; }

    public Hl7Delimiters Delimiters { get; }

    private bool IsHeader => Id is "MSH" or "BHS" or "FHS";

    /// <summary>Field <paramref name="field"/> as received (escaped), or empty when absent.</summary>
    public string Raw(int field)
    {
        if (IsHeader)
        {
            return field == 1 ? Delimiters.Field.ToString() : field >= 2 && field - 1 < fields.Length ? fields[field - 1] : "";
        }

        return field >= 1 && field < fields.Length ? fields[field] : "";
    }

    /// <summary>How many fields the segment has (the highest field number present).</summary>
    public int FieldCount => IsHeader ? fields.Length : fields.Length - 1;

    /// <summary>How many repetitions field <paramref name="field"/> has (0 when empty).</summary>
    public int Repetitions(int field) => Raw(field) is { Length: > 0 } raw ? (IsHeader && field <= 2 ? 1 : raw.Split(Delimiters.Repetition).Length) : 0;

    /// <summary>
    /// The unescaped text of one repetition, component and subcomponent of a field (all 1-based), or empty when
    /// absent. Escapes were checked when the message was read, so reading never fails.
    /// </summary>
    public string Value(int field, int component = 1, int subcomponent = 1, int repetition = 1)
    {
        var raw = Raw(field);
        if (raw.Length == 0 || IsHeader && field <= 2)
        {
            return raw;
        }

        var part = Nth(raw, Delimiters.Repetition, repetition);
        part = Nth(part, Delimiters.Component, component);
        part = Nth(part, Delimiters.Subcomponent, subcomponent);
        return Er7.Unescape(part, Delimiters, out _);
    }

    /// <summary>Where a field is, as issues name it: <c>OBX[3]-5</c> (the segment's position in the message, then the field).</summary>
    public string Path(int field) => $"{Id}[{Number.ToString(CultureInfo.InvariantCulture)}]-{field.ToString(CultureInfo.InvariantCulture)}";

    private static string Nth(string text, char separator, int n)
    {
        var start = 0;
        for (var i = 1; i < n; i++)
        {
            var next = text.IndexOf(separator, start);
            if (next < 0)
            {
                return "";
            }

            start = next + 1;
        }

        var end = text.IndexOf(separator, start);
        return end < 0 ? text[start..] : text[start..end];
    }
}

/// <summary>One HL7 v2 message: its delimiters and segments, MSH first.</summary>
public sealed class Hl7Message
{
    internal Hl7Message(Hl7Delimiters delimiters, IReadOnlyList<Hl7Segment> segments)
    {
        Delimiters = delimiters;
        Segments = segments;
    }

    public Hl7Delimiters Delimiters { get; }

    public IReadOnlyList<Hl7Segment> Segments { get; }

    public Hl7Segment Header => Segments[0];

    /// <summary>MSH-10, the message control id an ACK echoes in MSA-2.</summary>
    public string ControlId => Header.Value(10);

    /// <summary>MSH-12, the version id (2.3, 2.3.1, 2.4, 2.5, 2.5.1).</summary>
    public string Version => Header.Value(12);

    /// <summary>MSH-9 as <c>type^event</c> (e.g. <c>ORU^R01</c>), empty components left empty.</summary>
    public string MessageType => $"{Header.Value(9, 1)}^{Header.Value(9, 2)}";
}

/// <summary>One message read from a file or a connection: the message, or why it cannot be read (then it is refused whole).</summary>
/// <param name="Message">The message, when it could be read.</param>
/// <param name="Text">The message's text as received (segments joined by CR).</param>
/// <param name="Issues">Why the message cannot be read; empty when <paramref name="Message"/> is set.</param>
public sealed record Hl7ReadResult(Hl7Message? Message, string Text, IReadOnlyList<Issue> Issues)
{
    /// <summary>MSH-10 when the header could be read that far (for the ACK of a refused message), else empty.</summary>
    public string ControlId { get; init; } = "";

    /// <summary>The delimiters the header declared, or the defaults when it could not be read.</summary>
    public Hl7Delimiters Delimiters { get; init; } = Hl7Delimiters.Default;

    /// <summary>The MSH as received, when there was one (for the ACK's addressing).</summary>
    public Hl7Segment? Header { get; init; }
}

/// <summary>
/// Our reader of HL7 v2 ER7 encoding (no HL7 v2 library is available to the project; docs/interop.md): messages are
/// split into segments on CR (LF and CRLF are accepted too, as files written on other systems have them), the
/// delimiters come from each MSH (or FHS/BHS), and every escape sequence is checked up front, following HL7 v2.5.1
/// Chapter 2 (Control), sections 2.5 (message construction rules) and 2.7 (use of escape sequences in text fields).
/// Batches (FHS, BHS, BTS, FTS; section 2.10.3) are unwrapped into their messages.
/// </summary>
public static class Er7
{
    /// <summary>The MLLP and batch framing segments a file may hold around its messages.</summary>
    private static readonly HashSet<string> BatchSegments = ["FHS", "BHS", "BTS", "FTS"];

    /// <summary>
    /// Reads every message of <paramref name="text"/> (one message, several, or FHS/BHS batches). Problems of the
    /// batch envelope (a BTS without its BHS, a count that disagrees) are returned in <paramref name="batchIssues"/>:
    /// the file is then refused whole.
    /// </summary>
    public static IReadOnlyList<Hl7ReadResult> ReadAll(string text, out IReadOnlyList<Issue> batchIssues)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitSegments(text);
        var results = new List<Hl7ReadResult>();
        var issues = new List<Issue>();
        List<string>? current = null;
        bool inFile = false, inBatch = false, fileSeen = false;
        var batchMessages = 0;
        var fileBatches = 0;

        void Close()
        {
            if (current is not null)
            {
                results.Add(Read(current));
                current = null;
            }
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var id = line.Length >= 3 ? line[..3] : line;
            switch (id)
            {
                case "FHS":
                    Close();
                    if (fileSeen || i != 0)
                    {
                        issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, $"FHS (segment {i + 1})", "A file header (FHS) must be the first segment of the file, and there may be only one."));
                    }

                    fileSeen = inFile = true;
                    break;
                case "BHS":
                    Close();
                    if (inBatch)
                    {
                        issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, $"BHS (segment {i + 1})", "A batch header (BHS) inside a batch that has no trailer (BTS) yet."));
                    }

                    inBatch = true;
                    batchMessages = 0;
                    fileBatches++;
                    break;
                case "BTS":
                    Close();
                    if (!inBatch)
                    {
                        issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, $"BTS (segment {i + 1})", "A batch trailer (BTS) without its batch header (BHS)."));
                    }
                    else if (Field(line, 1) is { Length: > 0 } count && count != batchMessages.ToString(CultureInfo.InvariantCulture))
                    {
                        issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, "BTS-1",
                            $"The batch trailer counts {count} message(s) (BTS-1) but the batch holds {batchMessages}: part of the batch is missing."));
                    }

                    inBatch = false;
                    break;
                case "FTS":
                    Close();
                    if (!inFile || inBatch)
                    {
                        issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, $"FTS (segment {i + 1})",
                            inFile ? "The file trailer (FTS) comes before the last batch's trailer (BTS)." : "A file trailer (FTS) without its file header (FHS)."));
                    }
                    else if (Field(line, 1) is { Length: > 0 } count && count != fileBatches.ToString(CultureInfo.InvariantCulture))
                    {
                        issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, "FTS-1",
                            $"The file trailer counts {count} batch(es) (FTS-1) but the file holds {fileBatches}: part of the file is missing."));
                    }

                    inFile = false;
                    break;
                case "MSH":
                    Close();
                    current = [line];
                    batchMessages++;
                    break;
                default:
                    if (current is null)
                    {
                        issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, $"{Shown(id)} (segment {i + 1})",
                            $"A {Shown(id)} segment before any MSH: every message must begin with its message header (MSH)."));
                    }
                    else
                    {
                        current.Add(line);
                    }

                    break;
            }
        }

        Close();
        if (inBatch)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, "BTS", "The batch has no trailer (BTS): the file may be cut short."));
        }

        if (inFile)
        {
            issues.Add(Issue.Error(IssueCodes.Hl7SegmentOrder, "FTS", "The file has no trailer (FTS): the file may be cut short."));
        }

        batchIssues = issues;
        return results;
    }

    /// <summary>Reads one message (its segments already split, MSH first).</summary>
    public static Hl7ReadResult ReadMessage(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitSegments(text);
        if (lines.Count == 0 || !lines[0].StartsWith("MSH", StringComparison.Ordinal))
        {
            return new Hl7ReadResult(null, text,
                [Issue.Error(IssueCodes.Hl7Malformed, "MSH", "The message does not begin with a message header segment (MSH).")]);
        }

        var extra = lines.Skip(1).Where(l => l.StartsWith("MSH", StringComparison.Ordinal) || BatchSegments.Contains(l.Length >= 3 ? l[..3] : l)).ToList();
        return extra.Count > 0
            ? new Hl7ReadResult(null, text, [Issue.Error(IssueCodes.Hl7SegmentOrder, extra[0][..3], $"A {extra[0][..3]} segment inside one message: send one message per frame.")])
            : Read(lines);
    }

    private static Hl7ReadResult Read(List<string> lines)
    {
        var text = string.Join('\r', lines);
        var header = lines[0];
        if (header.Length < 8)
        {
            return new Hl7ReadResult(null, text, [Issue.Error(IssueCodes.Hl7Malformed, "MSH-2",
                $"The message header \"{Shown(header)}\" is too short to declare its delimiters (MSH-1 and MSH-2, e.g. MSH|^~\\&|).")]);
        }

        var field = header[3];
        var encoding = header[4..].Split(field)[0];
        if (encoding.Length < 4 || encoding.Length > 5 || !Distinct(field + encoding[..4]) || (field + encoding).Any(c => char.IsLetterOrDigit(c) || char.IsWhiteSpace(c)))
        {
            return new Hl7ReadResult(null, text, [Issue.Error(IssueCodes.Hl7Malformed, "MSH-2",
                $"The encoding characters \"{Shown(encoding)}\" (MSH-2) with field separator \"{field}\" are not five distinct delimiters (component, repetition, escape, subcomponent, e.g. ^~\\&).")]);
        }

        var delimiters = new Hl7Delimiters(field, encoding[0], encoding[1], encoding[2], encoding[3]);
        var segments = new List<Hl7Segment>(lines.Count);
        var issues = new List<Issue>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var id = line.Split(field)[0];
            if (id.Length != 3 || !id.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')))
            {
                issues.Add(Issue.Error(IssueCodes.Hl7Malformed, $"segment {i + 1}",
                    $"\"{Shown(line)}\" does not begin with a segment id (three capital letters or digits, then \"{field}\")."));
                continue;
            }

            var segment = new Hl7Segment(line, delimiters, i + 1);
            segments.Add(segment);
            for (var f = id == "MSH" ? 3 : 1; f <= segment.FieldCount; f++)
            {
                var raw = segment.Raw(f);
                if (raw.Contains(delimiters.Escape, StringComparison.Ordinal))
                {
                    foreach (var piece in raw.Split(delimiters.Repetition, delimiters.Component, delimiters.Subcomponent))
                    {
                        Unescape(piece, delimiters, out var problem);
                        if (problem is not null)
                        {
                            issues.Add(Issue.Error(IssueCodes.Hl7BadEscape, segment.Path(f), $"\"{Shown(piece)}\": {problem}"));
                            break;
                        }
                    }
                }
            }
        }

        var msh = segments.Count > 0 && segments[0].Id == "MSH" ? segments[0] : null;
        var result = new Hl7ReadResult(null, text, issues) { Delimiters = delimiters, Header = msh, ControlId = msh?.Value(10) ?? "" };
        return issues.Count > 0 ? result : result with { Message = new Hl7Message(delimiters, segments) };
    }

    /// <summary>
    /// Unescapes one value (HL7 v2.5.1 section 2.7): \F\ \S\ \T\ \R\ \E\ give the delimiters, \Xhh..\ the bytes given in
    /// hexadecimal (read as UTF-8), \.br\ and \.sp\ a line break; \H\ and \N\ (highlighting) and the other formatting
    /// commands (\.fi\ \.nf\ \.in\ \.ti\ \.sk\ \.ce\) are dropped. Anything else (an unclosed escape, \Z..\ local
    /// escapes, \C..\ and \M..\ character-set switches Stroma does not implement) is a problem, returned in
    /// <paramref name="problem"/> with the text read so far.
    /// </summary>
    public static string Unescape(string text, Hl7Delimiters delimiters, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(delimiters);
        problem = null;
        var escape = delimiters.Escape;
        if (!text.Contains(escape, StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != escape)
            {
                result.Append(c);
                i++;
                continue;
            }

            var end = text.IndexOf(escape, i + 1);
            if (end < 0)
            {
                problem = $"the escape character \"{escape}\" at position {i + 1} is never closed (an escape sequence is {escape}F{escape}, {escape}S{escape}, ...; write {escape}E{escape} for the character itself).";
                return result.ToString();
            }

            var code = text[(i + 1)..end];
            switch (code)
            {
                case "F": result.Append(delimiters.Field); break;
                case "S": result.Append(delimiters.Component); break;
                case "T": result.Append(delimiters.Subcomponent); break;
                case "R": result.Append(delimiters.Repetition); break;
                case "E": result.Append(delimiters.Escape); break;
                case ".br" or ".sp": result.Append('\n'); break;
                case "H" or "N" or ".fi" or ".nf": break;
                default:
                    if (code.Length > 1 && code[0] == 'X' && HexBytes(code[1..]) is { } bytes)
                    {
                        try
                        {
                            result.Append(new UTF8Encoding(false, true).GetString(bytes));
                        }
                        catch (DecoderFallbackException)
                        {
                            problem = $"the hexadecimal data {escape}{code}{escape} is not UTF-8 text.";
                            return result.ToString();
                        }
                    }
                    else if (code.Length > 3 && code[0] == '.' && code[1..3] is "in" or "ti" or "sk" or "ce" or "sp")
                    {
                        // formatting commands with an argument (\.in+4\, \.sp2\): layout only, dropped
                    }
                    else
                    {
                        problem = $"{escape}{code}{escape} is not an escape sequence HL7 v2 defines that Stroma reads ({escape}F{escape} {escape}S{escape} {escape}T{escape} {escape}R{escape} {escape}E{escape} {escape}Xhh..{escape} {escape}.br{escape}).";
                        return result.ToString();
                    }

                    break;
            }

            i = end + 1;
        }

        return result.ToString();
    }

    private static byte[]? HexBytes(string hex)
    {
        if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(hex);
    }

    /// <summary>Splits on CR, LF or CRLF, dropping empty lines (a trailing terminator, blank lines between messages).</summary>
    private static List<string> SplitSegments(string text) =>
        [.. text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None).Where(l => l.Trim().Length > 0)];

    private static string Field(string line, int n) => line.Length > 3 && line.Split(line[3]) is var f && n < f.Length ? f[n] : "";

    private static bool Distinct(string text) => text.Distinct().Count() == text.Length;

    /// <summary>Text for a message: control characters made visible and long text cut.</summary>
    internal static string Shown(string text)
    {
        var cut = text.Length > 60 ? text[..60] + "…" : text;
        return new string([.. cut.Select(c => char.IsControl(c) ? '·' : c)]);
    }
}
