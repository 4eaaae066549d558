using System.Globalization;
using System.Text.Json;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Quality;

/// <summary>What a check does when it finds a discrepancy: a soft check warns and opens a query, a hard check refuses the save.</summary>
public enum CheckSeverity
{
    Soft,
    Hard,
}

/// <summary>The kinds of check a protocol can declare (docs/data-quality.md "Check kinds").</summary>
public enum CheckKind
{
    /// <summary>A number outside <c>min</c>–<c>max</c> (a plausibility range the study declares).</summary>
    Range,

    /// <summary>Any condition over several fields (<c>when</c>) that describes a discrepancy.</summary>
    CrossField,

    /// <summary>A field that must be recorded when a condition holds.</summary>
    RequiredWhen,

    /// <summary>A protocol visit must have results for the given lab analytes.</summary>
    Completeness,
}

/// <summary>A check's message to the site, in English and Simplified Chinese (both required: no English on a zh-CN page).</summary>
public sealed record CheckMessage(string English, string Chinese)
{
    public string For(string culture) => culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Chinese : English;
}

/// <summary>One compiled condition of a check: when <see cref="Condition"/> is true, <see cref="Field"/> has a discrepancy.</summary>
public sealed record CheckRule(string Field, CheckNode Condition, IReadOnlyList<string> Fields);

/// <summary>
/// One edit check as a protocol declares it, already parsed and type-checked (only <see cref="CheckDefinitions"/>
/// makes one). <see cref="Rules"/> are the conditions it reduces to: a range check is <c>field &lt; min or field &gt;
/// max</c>, a required-when check is <c>(when) and field is missing</c>, a completeness check is one
/// <c>visit.type = 'v' and lab.x is missing</c> per analyte.
/// </summary>
/// <param name="Key">Stable snake_case key, unique within the protocol; queries opened by the check carry it.</param>
/// <param name="Kind">Range, cross-field, required-when or completeness.</param>
/// <param name="Scope">The record type the check runs on.</param>
/// <param name="Severity">Soft (warn, open a query) or hard (refuse).</param>
/// <param name="Message">What the site reads, in English and Chinese.</param>
/// <param name="Field">The field a query attaches to (range, cross-field, required-when); null for completeness.</param>
/// <param name="Min">Lowest plausible value (range), in the field's unit.</param>
/// <param name="Max">Highest plausible value (range), in the field's unit.</param>
/// <param name="When">The condition text (cross-field, required-when), as written.</param>
/// <param name="Visit">The protocol follow-up key (completeness).</param>
/// <param name="Analytes">Analyte keys the visit must have (completeness).</param>
public sealed record CheckDefinition(
    string Key,
    CheckKind Kind,
    CheckScope Scope,
    CheckSeverity Severity,
    CheckMessage Message,
    string? Field,
    decimal? Min,
    decimal? Max,
    string? When,
    string? Visit,
    IReadOnlyList<string> Analytes)
{
    public IReadOnlyList<CheckRule> Rules { get; init; } = [];

    /// <summary>The fields that fire on these values (empty when the record passes).</summary>
    public IEnumerable<CheckRule> Fired(IReadOnlyDictionary<string, FieldValue> values) =>
        Rules.Where(r => CheckEvaluator.IsTrue(r.Condition, values) == true);
}

/// <summary>
/// Reads, compiles and writes the <c>checks</c> section of a protocol definition (docs/protocol.schema.json). Structural
/// problems use the protocol codes (PRT002/3/4/6) with the path; the rule language's problems its own (QLT001–003).
/// </summary>
public static class CheckDefinitions
{
    private static readonly string[] Fields = ["key", "kind", "scope", "severity", "message", "field", "min", "max", "when", "visit", "analytes"];

    public static string Key(this CheckKind kind) => kind switch
    {
        CheckKind.Range => "range",
        CheckKind.CrossField => "cross_field",
        CheckKind.RequiredWhen => "required_when",
        CheckKind.Completeness => "completeness",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Key(this CheckSeverity severity) => severity == CheckSeverity.Hard ? "hard" : "soft";

    /// <summary>
    /// Builds and compiles one check; <paramref name="visitKeys"/> are the protocol's follow-up keys (a completeness
    /// check must name one). Issues carry <paramref name="path"/>.
    /// </summary>
    public static (CheckDefinition? Check, IReadOnlyList<Issue> Issues) Create(CheckDefinition draft, IReadOnlyCollection<string> visitKeys, string path)
    {
        Preconditions.NotNull(draft);
        Preconditions.NotNull(visitKeys);
        var issues = new List<Issue>();
        var rules = new List<CheckRule>();
        switch (draft.Kind)
        {
            case CheckKind.Range:
                RangeRule(draft, path, issues, rules);
                break;
            case CheckKind.CrossField:
            case CheckKind.RequiredWhen:
                ConditionRule(draft, path, issues, rules);
                break;
            case CheckKind.Completeness:
                CompletenessRules(draft, visitKeys, path, issues, rules);
                break;
        }

        return issues.Count > 0 ? (null, issues) : (draft with { Rules = rules }, []);
    }

    private static CheckType? FieldType(CheckDefinition draft, string path, List<Issue> issues)
    {
        if (draft.Field is null)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, $"{path}.field", $"A {draft.Kind.Key()} check names the field its query attaches to."));
            return null;
        }

        var (type, fieldIssues) = CheckCompiler.TypeOf(new FieldReference(draft.Field, 1), draft.Scope, $"{path}.field", draft.Field);
        issues.AddRange(fieldIssues);
        return type;
    }

    private static void RangeRule(CheckDefinition draft, string path, List<Issue> issues, List<CheckRule> rules)
    {
        var type = FieldType(draft, path, issues);
        if (type is { } t && t.Kind != ValueKind.Number)
        {
            issues.Add(Issue.Error(IssueCodes.CheckTypeMismatch, $"{path}.field", $"A range check needs a number; '{draft.Field}' is {t}."));
        }

        if (draft.Min is null && draft.Max is null)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, $"{path}.min", "A range check has min, max or both."));
        }
        else if (draft.Min is { } lo && draft.Max is { } hi && lo > hi)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.max", $"max {hi} is below min {lo}."));
        }

        if (issues.Count > 0 || draft.Field is null)
        {
            return;
        }

        var field = new FieldReference(draft.Field, 1);
        CheckNode? condition = null;
        if (draft.Min is { } min)
        {
            condition = new BinaryNode(CheckOperator.Less, field, new NumberLiteral(min, 1), 1);
        }

        if (draft.Max is { } max)
        {
            var above = new BinaryNode(CheckOperator.Greater, field, new NumberLiteral(max, 1), 1);
            condition = condition is null ? above : new BinaryNode(CheckOperator.Or, condition, above, 1);
        }

        rules.Add(new CheckRule(draft.Field, condition!, [draft.Field]));
    }

    private static void ConditionRule(CheckDefinition draft, string path, List<Issue> issues, List<CheckRule> rules)
    {
        FieldType(draft, path, issues);
        if (string.IsNullOrWhiteSpace(draft.When))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, $"{path}.when", $"A {draft.Kind.Key()} check has a condition 'when'."));
            return;
        }

        var (node, parseIssues) = CheckParser.Parse(draft.When, $"{path}.when");
        issues.AddRange(parseIssues);
        if (node is null)
        {
            return;
        }

        issues.AddRange(CheckCompiler.CheckCondition(node, draft.Scope, $"{path}.when", draft.When));
        if (issues.Count > 0)
        {
            return;
        }

        var fields = FieldsOf(node).Append(draft.Field!).Distinct(StringComparer.Ordinal).ToList();
        var condition = draft.Kind == CheckKind.RequiredWhen
            ? new BinaryNode(CheckOperator.And, node, new PresenceNode(new FieldReference(draft.Field!, 1), true, 1), 1)
            : node;
        rules.Add(new CheckRule(draft.Field!, condition, fields));
    }

    private static void CompletenessRules(CheckDefinition draft, IReadOnlyCollection<string> visitKeys, string path, List<Issue> issues, List<CheckRule> rules)
    {
        if (draft.Scope != CheckScope.Visit)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.scope", $"'{draft.Scope.Key()}' is not accepted: a completeness check runs on visits (scope visit)."));
        }

        if (string.IsNullOrWhiteSpace(draft.Visit))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, $"{path}.visit", "A completeness check names the protocol visit (a followUps key)."));
        }
        else if (!visitKeys.Contains(draft.Visit))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.visit",
                $"'{draft.Visit}' is not accepted: it is not a follow-up of this protocol (follow-ups: {string.Join(", ", visitKeys)})."));
        }

        if (draft.Analytes.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, $"{path}.analytes", "A completeness check lists at least one analyte key."));
        }

        for (var i = 0; i < draft.Analytes.Count; i++)
        {
            if (AnalyteCatalog.Find(draft.Analytes[i]) is not { } a || a.Key != draft.Analytes[i])
            {
                issues.Add(Issue.Error(IssueCodes.CheckUnknownField, $"{path}.analytes[{i}]",
                    $"Unknown analyte key '{draft.Analytes[i]}' (keys are listed by `stroma labs catalog`)."));
            }
        }

        if (issues.Count > 0)
        {
            return;
        }

        var isVisit = new BinaryNode(CheckOperator.Equal, new FieldReference("visit.type", 1), new TextLiteral(draft.Visit!, 1), 1);
        foreach (var analyte in draft.Analytes.Distinct(StringComparer.Ordinal))
        {
            var field = CheckFieldCatalogue.LabPrefix + analyte;
            rules.Add(new CheckRule(field, new BinaryNode(CheckOperator.And, isVisit, new PresenceNode(new FieldReference(field, 1), true, 1), 1),
                ["visit.type", field]));
        }
    }

    /// <summary>Every field path an expression names, in order of appearance.</summary>
    public static IEnumerable<string> FieldsOf(CheckNode node) => node switch
    {
        FieldReference f => [f.Path],
        PresenceNode p => [p.Field.Path],
        NotNode n => FieldsOf(n.Operand),
        NegateNode n => FieldsOf(n.Operand),
        AbsNode a => FieldsOf(a.Operand),
        BinaryNode b => FieldsOf(b.Left).Concat(FieldsOf(b.Right)),
        _ => [],
    };

    /// <summary>Reads the <c>checks</c> list of a definition document; <paramref name="visitKeys"/> as for <see cref="Create"/>.</summary>
    public static IReadOnlyList<CheckDefinition> Read(JsonElement list, string path, IReadOnlyCollection<string> visitKeys, List<Issue> issues)
    {
        Preconditions.NotNull(issues);
        if (list.ValueKind == JsonValueKind.Null || list.ValueKind == JsonValueKind.Undefined)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, "Expected a list of checks."));
            return [];
        }

        var checks = new List<CheckDefinition>();
        var index = 0;
        foreach (var e in list.EnumerateArray())
        {
            var p = $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";
            index++;
            var draft = ReadOne(e, p, issues);
            if (draft is null)
            {
                continue;
            }

            var (check, checkIssues) = Create(draft, visitKeys, p);
            issues.AddRange(checkIssues);
            if (check is not null)
            {
                checks.Add(check);
            }
        }

        foreach (var duplicate in checks.GroupBy(c => c.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolDuplicateOrOutOfOrder, path, $"The check key '{duplicate.Key}' appears {duplicate.Count()} times."));
        }

        return checks;
    }

    private static CheckDefinition? ReadOne(JsonElement e, string path, List<Issue> issues)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, "Expected a check (an object)."));
            return null;
        }

        var before = issues.Count;
        foreach (var property in e.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolUnknownField, $"{path}.{property.Name}",
                $"Unknown field '{property.Name}' (fields here: {string.Join(", ", Fields)})."));
        }

        var key = Text(e, "key", path, issues, required: true);
        if (key is not null && !System.Text.RegularExpressions.Regex.IsMatch(key, "^[a-z][a-z0-9_]{0,63}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.key", $"'{key}' is not accepted: a key is lower-case snake_case: a letter, then letters, digits or _, at most 64."));
        }

        var kindText = Text(e, "kind", path, issues, required: true);
        CheckKind? kind = Enum.GetValues<CheckKind>().Cast<CheckKind?>().FirstOrDefault(k => k!.Value.Key() == kindText);
        if (kindText is not null && kind is null)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.kind", $"'{kindText}' is not accepted: a check kind is range, cross_field, required_when or completeness."));
        }

        var scopeText = Text(e, "scope", path, issues, required: true);
        var scope = CheckScopes.Find(scopeText);
        if (scopeText is not null && scope is null)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.scope",
                $"'{scopeText}' is not accepted: a scope is one of {string.Join(", ", CheckScopes.All.Select(s => s.Key()))}."));
        }

        var severityText = Text(e, "severity", path, issues, required: true);
        CheckSeverity? severity = severityText switch { "soft" => CheckSeverity.Soft, "hard" => CheckSeverity.Hard, _ => null };
        if (severityText is not null && severity is null)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.severity", $"'{severityText}' is not accepted: a severity is soft (warn and open a query) or hard (refuse)."));
        }

        var message = Message(e, path, issues);
        var field = Text(e, "field", path, issues, required: false);
        var min = Number(e, "min", path, issues);
        var max = Number(e, "max", path, issues);
        var when = Text(e, "when", path, issues, required: false);
        var visit = Text(e, "visit", path, issues, required: false);
        var analytes = new List<string>();
        if (e.TryGetProperty("analytes", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            if (a.ValueKind != JsonValueKind.Array || a.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            {
                issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.analytes", "Expected a list of analyte keys (text)."));
            }
            else
            {
                analytes.AddRange(a.EnumerateArray().Select(x => x.GetString()!.Trim()));
            }
        }

        if (issues.Count > before)
        {
            return null;
        }

        return new CheckDefinition(key!, kind!.Value, scope!.Value, severity!.Value, message!, field, min, max, when, visit, analytes);
    }

    private static CheckMessage? Message(JsonElement e, string path, List<Issue> issues)
    {
        if (!e.TryGetProperty("message", out var m) || m.ValueKind == JsonValueKind.Null)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, $"{path}.message", $"'{path}.message' is required (en and zh-CN)."));
            return null;
        }

        if (m.ValueKind != JsonValueKind.Object)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.message", "Expected an object with en and zh-CN."));
            return null;
        }

        foreach (var property in m.EnumerateObject().Where(p => p.Name is not ("en" or "zh-CN")))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolUnknownField, $"{path}.message.{property.Name}", $"Unknown field '{property.Name}' (fields here: en, zh-CN)."));
        }

        var en = Text(m, "en", $"{path}.message", issues, required: true);
        var zh = Text(m, "zh-CN", $"{path}.message", issues, required: true);
        return en is null || zh is null ? null : new CheckMessage(en, zh);
    }

    private static string? Text(JsonElement e, string name, string path, List<Issue> issues, bool required)
    {
        var where = $"{path}.{name}";
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, where, $"'{where}' is required."));
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, where, $"Expected text, found {v.ValueKind.ToString().ToLowerInvariant()}."));
            return null;
        }

        var text = v.GetString()!.Trim();
        if (required && text.Length == 0)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, where, $"'{where}' is required."));
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    private static decimal? Number(JsonElement e, string name, string path, List<Issue> issues)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out var value))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"{path}.{name}", $"Expected a number, found {v.GetRawText()}."));
            return null;
        }

        return value / 1.0000000000000000000000000000m;
    }

    /// <summary>Writes checks in canonical form (fixed field order; absent fields left out).</summary>
    public static void Write(Utf8JsonWriter w, IReadOnlyList<CheckDefinition> checks)
    {
        Preconditions.NotNull(w);
        Preconditions.NotNull(checks);
        w.WriteStartArray("checks");
        foreach (var c in checks)
        {
            w.WriteStartObject();
            w.WriteString("key", c.Key);
            w.WriteString("kind", c.Kind.Key());
            w.WriteString("scope", c.Scope.Key());
            w.WriteString("severity", c.Severity.Key());
            if (c.Field is not null)
            {
                w.WriteString("field", c.Field);
            }

            if (c.Min is { } min)
            {
                w.WritePropertyName("min");
                w.WriteRawValue(min.ToString("0.############################", CultureInfo.InvariantCulture));
            }

            if (c.Max is { } max)
            {
                w.WritePropertyName("max");
                w.WriteRawValue(max.ToString("0.############################", CultureInfo.InvariantCulture));
            }

            if (c.When is not null)
            {
                w.WriteString("when", c.When);
            }

            if (c.Visit is not null)
            {
                w.WriteString("visit", c.Visit);
            }

            if (c.Analytes.Count > 0)
            {
                w.WriteStartArray("analytes");
                foreach (var a in c.Analytes)
                {
                    w.WriteStringValue(a);
                }

                w.WriteEndArray();
            }

            w.WritePropertyName("message");
            w.WriteStartObject();
            w.WriteString("en", c.Message.English);
            w.WriteString("zh-CN", c.Message.Chinese);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
