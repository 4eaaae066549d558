using System.Text;
using Stroma.Clinical.Issues;

namespace Stroma.Interop.Hl7;

/// <summary>
/// Writes the ACK of a message (HL7 v2.5.1 Chapter 2, section 2.9.2 "Message response using the original processing
/// rules", and 2.14.1/2.15 for MSA and ERR): MSH addressed back to the sender (MSH-3/4 and MSH-5/6 swapped), MSA with
/// the code and the message's control id, and one ERR per error. For 2.5 and 2.5.1 ERR-2 locates the error
/// (segment^sequence^field), ERR-3 gives the HL7 error code (table 0357) and ERR-8 Stroma's issue ("CODE: message");
/// for 2.3 and 2.4, ERR-1 carries location and code, and MSA-3 the first error's text. A stored result that a soft
/// save-time check warns about (QLT004) adds, for 2.5 and 2.5.1, an ERR of severity W to the AA (ERR-4).
/// </summary>
public static class Hl7Ack
{
    /// <summary>The ACK text (segments ended by CR) for <paramref name="outcome"/> of the message read as <paramref name="read"/>.</summary>
    public static string Write(Hl7ReadResult read, Hl7MessageOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(outcome);
        var d = read.Delimiters;
        var msh = read.Header;
        var version = msh?.Value(12, 1) is { } v && Hl7LabImport.Versions.Contains(v) ? v : "2.5.1";
        var modern = version is "2.5" or "2.5.1";
        var processing = msh?.Value(11, 1) is { Length: > 0 } p ? p : "P";
        var ackId = ("ACK" + outcome.ControlId) is var id && id.Length > 20 ? id[..20] : "ACK" + outcome.ControlId;
        var errors = outcome.Issues.Where(i => i.IsError).ToList();
        string F(string text) => d.EscapeText(text);
        var text = new StringBuilder();
        text.Append("MSH").Append(d.Field).Append(d.EncodingCharacters)
            .Append(d.Field).Append(msh?.Raw(5) ?? "")
            .Append(d.Field).Append(msh?.Raw(6) ?? "")
            .Append(d.Field).Append(msh?.Raw(3) ?? "")
            .Append(d.Field).Append(msh?.Raw(4) ?? "")
            .Append(d.Field).Append(Hl7Time.Format(now))
            .Append(d.Field)
            .Append(d.Field).Append("ACK").Append(d.Component).Append(msh?.Value(9, 2) is { Length: > 0 } e ? F(e) : "R01").Append(modern ? $"{d.Component}ACK" : "")
            .Append(d.Field).Append(F(ackId))
            .Append(d.Field).Append(F(processing))
            .Append(d.Field).Append(version)
            .Append('\r');
        text.Append("MSA").Append(d.Field).Append(outcome.Ack).Append(d.Field).Append(F(outcome.ControlId));
        if (!modern && errors.Count > 0)
        {
            text.Append(d.Field).Append(F(Cut(errors[0].ToString(), 80)));
        }

        text.Append('\r');
        foreach (var error in errors)
        {
            var (segment, sequence, field) = Location(error.Path);
            var (code, name) = HL7ErrorCode(error);
            if (modern)
            {
                text.Append("ERR").Append(d.Field)
                    .Append(d.Field).Append(F(segment)).Append(d.Component).Append(sequence).Append(d.Component).Append(field)
                    .Append(d.Field).Append(code).Append(d.Component).Append(F(name)).Append(d.Component).Append("HL70357")
                    .Append(d.Field).Append('E')
                    .Append(d.Field).Append(d.Field).Append(d.Field)
                    .Append(d.Field).Append(F($"{error.Code}: {error.Message}"))
                    .Append('\r');
            }
            else
            {
                text.Append("ERR").Append(d.Field)
                    .Append(F(segment)).Append(d.Component).Append(sequence).Append(d.Component).Append(field).Append(d.Component)
                    .Append(code).Append(d.Subcomponent).Append(F($"{error.Code}: {error.Message}").Replace(d.Subcomponent.ToString(), $"{d.Escape}T{d.Escape}", StringComparison.Ordinal))
                    .Append(d.Subcomponent).Append("HL70357")
                    .Append('\r');
            }
        }

        if (modern)
        {
            // A soft save-time check finding (QLT004) of a stored result: the message was accepted (AA) and the sender is
            // told, as HL7 v2.5.1 section 2.15 (ERR) allows, with an ERR of severity W (ERR-4, table 0516) and error code 0
            // "Message accepted" (ERR-3, table 0357). Version 2.3 and 2.4 ERR segments carry no severity: not written there.
            foreach (var warning in outcome.Issues.Where(i => i.Code == IssueCodes.CheckSoftFinding && i.Severity == Severity.Warning))
            {
                var (segment, sequence, field) = Location(warning.Path);
                text.Append("ERR").Append(d.Field)
                    .Append(d.Field).Append(F(segment)).Append(d.Component).Append(sequence).Append(d.Component).Append(field)
                    .Append(d.Field).Append('0').Append(d.Component).Append("Message accepted").Append(d.Component).Append("HL70357")
                    .Append(d.Field).Append('W')
                    .Append(d.Field).Append(d.Field).Append(d.Field)
                    .Append(d.Field).Append(F($"{warning.Code}: {warning.Message}"))
                    .Append('\r');
            }
        }

        return text.ToString();
    }

    /// <summary>Segment id, sequence (its position in the message) and field of a path such as <c>OBX[3]-5</c> or <c>MSH-9</c>.</summary>
    private static (string Segment, string Sequence, string Field) Location(string path)
    {
        var dash = path.LastIndexOf('-');
        var head = dash > 0 ? path[..dash] : path;
        var field = dash > 0 && path[(dash + 1)..].All(char.IsAsciiDigit) ? path[(dash + 1)..] : "";
        var bracket = head.IndexOf('[', StringComparison.Ordinal);
        var segment = bracket > 0 ? head[..bracket] : head.Length >= 3 ? head[..3] : head;
        var sequence = bracket > 0 && head.EndsWith(']') ? head[(bracket + 1)..^1] : segment == "MSH" ? "1" : "";
        return (segment.All(char.IsAsciiLetterOrDigit) && segment.Length == 3 ? segment : "", sequence, field);
    }

    /// <summary>
    /// The HL7 error condition (table 0357) for an issue: 100 segment sequence error, 101 required field missing, 102
    /// data type error, 103 table value not found, 200 unsupported message type, 203 unsupported version id, 204 unknown
    /// key identifier, 207 application internal error (any other reason the content cannot be stored).
    /// </summary>
    private static (string Code, string Name) HL7ErrorCode(Issue issue) => issue.Code switch
    {
        IssueCodes.Hl7SegmentOrder => ("100", "Segment sequence error"),
        IssueCodes.Hl7RequiredField => ("101", "Required field missing"),
        IssueCodes.Hl7Malformed or IssueCodes.Hl7BadEscape or IssueCodes.Hl7FieldValue => ("102", "Data type error"),
        IssueCodes.Hl7Unsupported when issue.Path == "MSH-12" => ("203", "Unsupported version id"),
        IssueCodes.Hl7Unsupported => ("200", "Unsupported message type"),
        IssueCodes.Hl7PatientIdentifier => ("204", "Unknown key identifier"),
        IssueCodes.Hl7ResultStatus or IssueCodes.Hl7UnknownCode or IssueCodes.UnknownAnalyte or IssueCodes.UnknownUnit or IssueCodes.UnitNotForAnalyte => ("103", "Table value not found"),
        IssueCodes.UnreadableValue or IssueCodes.WrongType or IssueCodes.InvalidRange or IssueCodes.ValueTooPrecise => ("102", "Data type error"),
        _ => ("207", "Application internal error"),
    };

    private static string Cut(string text, int length) => text.Length > length ? text[..length] : text;
}
