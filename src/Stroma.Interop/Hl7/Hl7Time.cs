using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Interop.Hl7;

/// <summary>
/// Reads HL7 v2 date/time values (TS in 2.3–2.5.1, DTM component: <c>YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]</c>,
/// HL7 v2.5.1 Chapter 2A, 2.A.22 DTM and 2.A.77 TS) as an instant. A specimen time must name its minute and its UTC
/// offset: an instant without an offset is ambiguous (Stroma never guesses a time zone), and the US ELR
/// implementation guide (HL7 Version 2.5.1 Implementation Guide: Electronic Laboratory Reporting to Public Health,
/// Release 1, the TS/DTM constraints) requires the offset whenever a time is given. A laboratory system that sends
/// local times without an offset is received with its time zone named by the operator (<c>--time-zone</c>): the
/// offset is then the zone's at that local time, and a local time the zone skips or repeats at a clock change is
/// refused rather than guessed.
/// </summary>
public static class Hl7Time
{
    /// <summary>The instant as ISO 8601 text with its offset (the lab import's specimen_time form), or an issue (HLV006) naming the field.</summary>
    public static (string? Iso, Issue? Problem) ToIso(string text, string path, TimeZoneInfo? zone = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var sign = t.IndexOfAny(['+', '-']);
        var local = sign < 0 ? t : t[..sign];
        var offset = sign < 0 ? null : t[sign..];
        var dot = local.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? local : local[..dot];
        var fraction = dot < 0 ? "" : local[(dot + 1)..];
        if (digits.Length is not (12 or 14) || !digits.All(char.IsAsciiDigit) || fraction.Length > 4 || !fraction.All(char.IsAsciiDigit) || (dot >= 0 && (fraction.Length == 0 || digits.Length != 14)))
        {
            return (null, Issue.Error(IssueCodes.Hl7FieldValue, path,
                $"\"{Er7.Shown(t)}\" is not an HL7 date/time to the minute (YYYYMMDDHHMM[SS[.SSSS]] then the UTC offset, e.g. 202401150830+0800)."));
        }

        if (offset is null && zone is not null)
        {
            if (!DateTime.TryParseExact(digits[..12] + (digits.Length == 14 ? digits[12..14] : "00"), "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
            {
                return (null, Issue.Error(IssueCodes.Hl7FieldValue, path, $"\"{Er7.Shown(t)}\" is not a calendar date and time (month, day, hour or minute out of range)."));
            }

            if (zone.IsInvalidTime(wall) || zone.IsAmbiguousTime(wall))
            {
                return (null, Issue.Error(IssueCodes.Hl7FieldValue, path,
                    $"\"{Er7.Shown(t)}\" has no UTC offset and is a local time that time zone {zone.Id} {(zone.IsInvalidTime(wall) ? "skips" : "repeats")} at a clock change: the instant would be a guess."));
            }

            var zoneOffset = zone.GetUtcOffset(wall);
            offset = (zoneOffset < TimeSpan.Zero ? "-" : "+") + zoneOffset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
        }

        if (offset is null || offset.Length != 5 || !offset[1..].All(char.IsAsciiDigit))
        {
            return (null, Issue.Error(IssueCodes.Hl7FieldValue, path,
                $"\"{Er7.Shown(t)}\" has no UTC offset (+/-ZZZZ, e.g. 202401150830+0800): the instant would be ambiguous, and Stroma never guesses a time zone (name the laboratory's zone with --time-zone if its system sends local times)."));
        }

        var iso = $"{digits[..4]}-{digits[4..6]}-{digits[6..8]}T{digits[8..10]}:{digits[10..12]}:{(digits.Length == 14 ? digits[12..14] : "00")}"
            + (fraction.Length > 0 ? "." + fraction : "") + $"{offset[..3]}:{offset[3..]}";
        return DateTimeOffset.TryParseExact(iso, ["yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFzzz"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? (iso, null)
            : (null, Issue.Error(IssueCodes.Hl7FieldValue, path, $"\"{Er7.Shown(t)}\" is not a calendar date and time (month, day, hour, minute or offset out of range)."));
    }

    /// <summary>
    /// The zone <c>--time-zone</c> names: a fixed UTC offset (<c>+08:00</c>) or an IANA time zone id (<c>Asia/Shanghai</c>);
    /// null when it is neither.
    /// </summary>
    public static TimeZoneInfo? Zone(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Length == 6 && t[0] is '+' or '-' && t[3] == ':' && TimeSpan.TryParseExact(t[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var fixedOffset)
            && fixedOffset <= TimeSpan.FromHours(14))
        {
            var offset = t[0] == '-' ? -fixedOffset : fixedOffset;
            return TimeZoneInfo.CreateCustomTimeZone("UTC" + t, offset, "UTC" + t, "UTC" + t);
        }

        return t.Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(t, out var zone) ? zone : null;
    }

    /// <summary>An HL7 TS for <paramref name="instant"/> with its offset (for the ACK's MSH-7).</summary>
    public static string Format(DateTimeOffset instant) =>
        instant.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + (instant.Offset < TimeSpan.Zero ? "-" : "+") + instant.Offset.Duration().ToString("hhmm", CultureInfo.InvariantCulture);
}
