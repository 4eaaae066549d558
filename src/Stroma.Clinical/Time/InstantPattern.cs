using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Time;

/// <summary>
/// The one way an instant (a <see cref="DateTimeOffset"/>: specimen time, infusion start, custody event, adjudication
/// time) is read from user input, in the CLI, the web forms and import files alike: an ISO 8601 / RFC 3339 date and time
/// with its UTC offset, <c>yyyy-MM-ddTHH:mm[:ss[.fffffff]]</c> followed by <c>Z</c> or <c>±hh:mm</c> (at most 14:00). A time
/// without an offset is refused, never assumed to be UTC or local: the same clock reading is a different instant at each
/// site. RFC 3339 section 5.6 allows a space for the <c>T</c> and a lower-case <c>z</c>; both are read. Every failure is
/// an <see cref="IssueCodes.AmbiguousTime"/> issue naming the field and the text. "Now" is never read from the wall clock
/// here: <see cref="ParseOrNow"/> takes the caller's injected <see cref="TimeProvider"/>.
/// </summary>
public static class InstantPattern
{
    /// <summary>An example shown in messages.</summary>
    public const string Example = "2024-03-01T09:00+08:00";

    private static readonly string[] LocalFormats =
    [
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF",
    ];

    private static readonly TimeSpan MaxOffset = TimeSpan.FromHours(14);

    /// <summary>Reads <paramref name="text"/> (date, time and offset in one string) as the value of <paramref name="field"/>.</summary>
    public static ParseResult<DateTimeOffset> Parse(string? text, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return Fail(field, $"{field} is empty: give an ISO 8601 date and time with its UTC offset (e.g. {Example}).");
        }

        var (local, offsetText) = Split(trimmed);
        var localOk = TryLocal(local, out var time);
        if (offsetText is null)
        {
            return Fail(field, localOk
                ? $"{field} \"{text}\" has no UTC offset, so the instant is ambiguous; add the offset (e.g. {Example}, or Z for UTC)."
                : $"{field} \"{text}\" is not an ISO 8601 date and time with a UTC offset (e.g. {Example}).");
        }

        var offset = ParseOffset(offsetText, field);
        if (!localOk || !offset.Success)
        {
            return Fail(field, $"{field} \"{text}\" is not an ISO 8601 date and time with a UTC offset (e.g. {Example}).");
        }

        return Combine(time, offset.Value, field, text!);
    }

    /// <summary>
    /// Reads a form's two inputs, a local date and time (an HTML <c>datetime-local</c> value) and its UTC offset. A wrong
    /// offset is reported under <paramref name="offsetField"/>, anything else under <paramref name="field"/>.
    /// </summary>
    public static ParseResult<DateTimeOffset> Parse(string? localDateTime, string? offset, string field, string offsetField)
    {
        ArgumentNullException.ThrowIfNull(field);
        var parsedOffset = ParseOffset(offset, offsetField);
        if (!parsedOffset.Success)
        {
            return ParseResult.Failed<DateTimeOffset>(parsedOffset.Issue!);
        }

        var local = localDateTime?.Trim() ?? "";
        return TryLocal(local, out var time)
            ? Combine(time, parsedOffset.Value, field, local)
            : Fail(field, $"{field} \"{localDateTime}\" is not a date and time (yyyy-MM-ddTHH:mm, e.g. {Example[..16]}).");
    }

    /// <summary>Like <see cref="Parse(string?, string)"/>, but an absent value (null or blank) means now, from <paramref name="clock"/>.</summary>
    public static ParseResult<DateTimeOffset> ParseOrNow(string? text, string field, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return string.IsNullOrWhiteSpace(text) ? ParseResult.Ok(clock.GetUtcNow()) : Parse(text, field);
    }

    /// <summary>A UTC offset as <c>Z</c> or <c>±hh:mm</c> (at most 14:00, as <see cref="DateTimeOffset"/> allows).</summary>
    public static ParseResult<TimeSpan> ParseOffset(string? text, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var t = text?.Trim();
        if (t is "Z" or "z")
        {
            return ParseResult.Ok(TimeSpan.Zero);
        }

        if (t is { Length: 6 } && t[0] is '+' or '-'
            && TimeSpan.TryParseExact(t.AsSpan(1), @"hh\:mm", CultureInfo.InvariantCulture, out var span) && span <= MaxOffset)
        {
            return ParseResult.Ok(t[0] == '-' ? -span : span);
        }

        return ParseResult.Failed<TimeSpan>(Issue.Error(IssueCodes.AmbiguousTime, field,
            $"{field} \"{text}\" is not a UTC offset (+hh:mm or -hh:mm up to 14:00, or Z; e.g. +08:00)."));
    }

    /// <summary>Writes an offset the way <see cref="ParseOffset"/> reads it (<c>+08:00</c>, <c>-05:00</c>, <c>+00:00</c>).</summary>
    public static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static (string Local, string? Offset) Split(string text)
    {
        if (text[^1] is 'Z' or 'z')
        {
            return (text[..^1], "Z");
        }

        return text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':' ? (text[..^6], text[^6..]) : (text, null);
    }

    private static bool TryLocal(string text, out DateTime time) =>
        DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static ParseResult<DateTimeOffset> Combine(DateTime local, TimeSpan offset, string field, string text)
    {
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTimeOffset.MinValue.Ticks || utcTicks > DateTimeOffset.MaxValue.Ticks)
        {
            return Fail(field, $"{field} \"{text}\" is outside the representable range of instants.");
        }

        return ParseResult.Ok(new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset));
    }

    private static ParseResult<DateTimeOffset> Fail(string field, string message) =>
        ParseResult.Failed<DateTimeOffset>(Issue.Error(IssueCodes.AmbiguousTime, field, message));
}
