using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Labs;
using Stroma.Web.Features.Scoring;

namespace Stroma.Web.Localization;

/// <summary>
/// The one place that turns a stored key into the words a person reads, in the user's language (issue #19): analytes
/// (the catalog's name; a Chinese name from <c>Text.zh-CN.resx</c>, <c>analyte.{key}</c>, once a reviewed one is given:
/// none is yet, so the Chinese UI shows the English name with the "EN" marker, as for instrument items), units
/// (the conventional spelling of a UCUM code: <c>10*9/L</c> → ×10⁹/L, <c>g/(24.h)</c> → g/24 h), visit types
/// (<c>month_3</c> → Month 3 / 第3个月), enum values (<c>enum.{Type}.{Value}</c>), scores as the instrument shows them
/// (SLEDAI-2K 17) and counts that agree in number. Views reach it as <c>W</c> (<c>_ViewImports.cshtml</c>). A key
/// without a resource entry is shown readably (words, not the code) rather than as the raw key; the key-leak test
/// (tests/Stroma.Web.Tests/Localization/KeyLeakTests.cs) finds such gaps.
/// </summary>
public sealed partial class Words(IStringLocalizer<Text> text, Instruments instruments)
{
    private static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>An analyte's name: the catalog's English name, or its reviewed Chinese name where the resources have one.</summary>
    public LocalName Analyte(string key)
    {
        var english = AnalyteCatalog.Find(key)?.Name ?? Humanize(key);
        if (IsEnglish)
        {
            return new(english, true);
        }

        var found = text[$"analyte.{key}"];
        return found.ResourceNotFound ? new(english, false) : new(found.Value, true);
    }

    /// <summary>A unit as clinicians write it (the catalog's display spelling of the UCUM code); the code itself when unknown.</summary>
    public static string Unit(string? code) =>
        string.IsNullOrEmpty(code) ? "" : Units.Find(code) is { } unit && unit.Code == code ? unit.Display : code;

    /// <summary>"Platelets (×10⁹/L)", or the name alone without a unit.</summary>
    public string AnalyteWithUnit(string key, string? unitCode)
    {
        var unit = Unit(unitCode);
        return unit.Length == 0 ? Analyte(key).Value : $"{Analyte(key).Value} ({unit})";
    }

    /// <summary>
    /// A visit type in words (<c>month_3</c> → Month 3 / 第3个月; anything without a name as typed), from the names the study
    /// report uses too (<see cref="Stroma.Reporting.Localization.VisitTypeNames"/>).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Views call it on their injected W, beside its other names.")]
    public string VisitType(string? type) =>
        Stroma.Reporting.Localization.VisitTypeNames.Name(type, Stroma.Reporting.ReportLanguage.For(CultureInfo.CurrentUICulture));

    /// <summary>An enum value's name (<c>enum.{Type}.{Value}</c>); without an entry, its words ("Not related").</summary>
    public string Enum<TEnum>(TEnum value)
        where TEnum : struct, System.Enum
    {
        var name = value.ToString();
        var found = text[$"enum.{typeof(TEnum).Name}.{name}"];
        return found.ResourceNotFound ? Humanize(name) : found.Value;
    }

    /// <summary>A key of a named group (<c>{group}.{key}</c>, e.g. audit actions, record types, lot tests); without an entry, its words.</summary>
    public string Key(string group, string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "";
        }

        var found = text[$"{group}.{key}"];
        return found.ResourceNotFound ? Humanize(key) : found.Value;
    }

    /// <summary>
    /// A field of the check field catalogue (docs/data-quality.md) in words: a lab result by its analyte and unit, a score
    /// by its instrument, a fixed field from <c>check_field.{path}</c>; an unknown path in words (never the raw key).
    /// </summary>
    public string CheckField(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "";
        }

        if (path.StartsWith(Stroma.Clinical.Quality.CheckFieldCatalogue.LabPrefix, StringComparison.Ordinal))
        {
            var key = path[Stroma.Clinical.Quality.CheckFieldCatalogue.LabPrefix.Length..];
            return AnalyteWithUnit(key, AnalyteCatalog.Find(key)?.CanonicalUnit?.Code);
        }

        if (path.StartsWith(Stroma.Clinical.Quality.CheckFieldCatalogue.ScorePrefix, StringComparison.Ordinal))
        {
            return InstrumentName(path[Stroma.Clinical.Quality.CheckFieldCatalogue.ScorePrefix.Length..]);
        }

        var found = text[$"check_field.{path}"];
        return found.ResourceNotFound ? Humanize(path.Replace('.', '_')) : found.Value;
    }

    /// <summary>
    /// <see cref="CheckField"/> for a page's text: an analyte's English name carries the "EN" marker while untranslated,
    /// as in <see cref="AnalyteLabel"/>.
    /// </summary>
    public IHtmlContent CheckFieldLabel(string? path)
    {
        if (path is not null && path.StartsWith(Stroma.Clinical.Quality.CheckFieldCatalogue.LabPrefix, StringComparison.Ordinal))
        {
            var key = path[Stroma.Clinical.Quality.CheckFieldCatalogue.LabPrefix.Length..];
            return AnalyteLabel(key, AnalyteCatalog.Find(key)?.CanonicalUnit?.Code);
        }

        return new HtmlString(System.Net.WebUtility.HtmlEncode(CheckField(path)));
    }

    /// <summary>
    /// A result reported as text: a flag without a value (the seed's case 2: "low (value not reported)") reads as the flag
    /// and "value not reported"; a qualitative word (positive, negative, trace) has a name (<c>lab_text.{word}</c>);
    /// anything else is shown as the laboratory reported it.
    /// </summary>
    public string LabText(string reported, string flag)
    {
        ArgumentNullException.ThrowIfNull(reported);
        if (reported.Length == 0 || reported.Contains("value not reported", StringComparison.OrdinalIgnoreCase))
        {
            var named = System.Enum.TryParse<LabFlag>(flag, out var f) && f is not LabFlag.None and not LabFlag.Normal ? Enum(f) + " " : "";
            return named + text["lab_text.value_not_reported"].Value;
        }

        var found = text[$"lab_text.{reported.Trim().ToLowerInvariant()}"];
        return found.ResourceNotFound ? reported : found.Value;
    }

    /// <summary>A lab result quoted as evidence ("urine_rbc_hpf 31 /HPF"), its leading analyte key named and its unit spelled as clinicians write it.</summary>
    public string LabEvidence(string evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var parts = evidence.Split(' ');
        if (parts.Length == 0 || AnalyteCatalog.Find(parts[0]) is not { } analyte || analyte.Key != parts[0])
        {
            return evidence;
        }

        return string.Join(' ', parts.Select((p, i) => i == 0 ? Analyte(p).Value : Unit(p)));
    }

    /// <summary>An instrument's name as it is printed (SLEDAI-2K, BILAG-2004); the key when unknown.</summary>
    public string InstrumentName(string key) => instruments.Find(key)?.Name ?? key;

    /// <summary>A score as the instrument shows it: "SLEDAI-2K 17", "BILAG-2004 13 A" (no trailing zeros).</summary>
    public string Score(string instrument, decimal? total, string? grade = null) =>
        string.Join(' ', new[] { InstrumentName(instrument), Number(total), grade ?? "" }.Where(p => p.Length > 0));

    /// <summary>A stored decimal as people write it: no trailing zeros, invariant digits (17.0 → 17, 0.50 → 0.5).</summary>
    public static string Number(decimal? value) => value is { } v ? v.ToString("0.############", CultureInfo.InvariantCulture) : "";

    /// <summary>A count that agrees in number: <c>count.{noun}.one</c> for 1, <c>count.{noun}.other</c> otherwise ("1 patient", "2 patients").</summary>
    public string Count(int n, string noun)
    {
        var found = text[$"count.{noun}.{(n == 1 ? "one" : "other")}", n];
        return found.ResourceNotFound ? $"{n} {noun}" : found.Value;
    }

    /// <summary>A name with the "EN" marker when it is shown in English for want of a reviewed translation (as item names are).</summary>
    public IHtmlContent Marked(LocalName name)
    {
        var html = new HtmlContentBuilder().Append(name.Value);
        return name.Translated ? html : html.AppendHtml(" <span class=\"untranslated\" title=\"").Append(text["item.untranslated"].Value).AppendHtml("\">EN</span>");
    }

    /// <summary>An analyte's name (marked "EN" while untranslated) and its unit in parentheses when it has one.</summary>
    public IHtmlContent AnalyteLabel(string key, string? unitCode)
    {
        var unit = Unit(unitCode);
        var html = new HtmlContentBuilder().AppendHtml(Marked(Analyte(key)));
        return unit.Length == 0 ? html : html.Append($" ({unit})");
    }

    /// <summary>
    /// An audit trail value as a person reads it: a JSON snapshot as "Field: value" pairs with the field names in words, a
    /// JSON string without its quotes and escapes (no <c>\u0022</c>); anything else as stored. The stored value is unchanged.
    /// </summary>
    public static string AuditValue(string? stored)
    {
        if (string.IsNullOrEmpty(stored) || stored[0] is not ('{' or '"'))
        {
            return stored ?? "";
        }

        try
        {
            using var json = JsonDocument.Parse(stored);
            return json.RootElement.ValueKind switch
            {
                JsonValueKind.String => json.RootElement.GetString() ?? "",
                JsonValueKind.Object => Pairs(json.RootElement),
                _ => stored,
            };
        }
        catch (JsonException)
        {
            return stored;
        }
    }

    /// <summary>An object's properties as "Field: value" pairs, a nested object (a batch's ledger digest) in brackets.</summary>
    private static string Pairs(JsonElement value) => string.Join("; ", value.EnumerateObject().Select(p => $"{Humanize(p.Name)}: {Shown(p.Value)}"));

    private static string Shown(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Readable(value.GetString()!),
        JsonValueKind.Null => "—",
        JsonValueKind.Object => $"({Pairs(value)})",
        JsonValueKind.Array => $"[{string.Join(", ", value.EnumerateArray().Select(Shown))}]",
        _ => value.GetRawText(),
    };

    /// <summary>An enum value stored by name (<c>CellLabQa</c>) in words; any other text as stored.</summary>
    private static string Readable(string value) => EnumName().IsMatch(value) ? Humanize(value) : value;

    [GeneratedRegex(@"^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")]
    private static partial Regex EnumName();

    /// <summary>Words from a key: <c>overall_survival</c> → "Overall survival", <c>NotRelated</c> → "Not related".</summary>
    public static string Humanize(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var spaced = PascalBoundary().Replace(key.Replace('_', ' '), " ").Trim();
        if (spaced.Length == 0)
        {
            return key;
        }

        var lower = string.Join(' ', spaced.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.All(char.IsUpper) && w.Length > 1 ? w : w.ToLowerInvariant()));
        return char.ToUpperInvariant(lower[0]) + lower[1..];
    }

    [GeneratedRegex(@"(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex PascalBoundary();
}
