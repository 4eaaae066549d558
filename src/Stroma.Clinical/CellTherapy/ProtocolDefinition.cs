using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Quality;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// A protocol as a site defines it (docs/protocol.schema.json): the <see cref="Protocol"/> plus the consent form
/// version it requires and the number of days after an event beyond which an entry counts as entered late.
/// </summary>
/// <param name="Protocol">The protocol; its <see cref="Protocol.Version"/> is the stored version number.</param>
/// <param name="ConsentVersion">Version label of the consent form this protocol version requires.</param>
/// <param name="LateEntryDays">Days after an event beyond which its entry is "entered late" (0–365; default 7).</param>
public sealed record ProtocolDefinition(Protocol Protocol, string ConsentVersion, int LateEntryDays)
{
    /// <summary>The study's edit checks, versioned with the protocol (docs/data-quality.md); empty when none are declared.</summary>
    public IReadOnlyList<CheckDefinition> Checks { get; init; } = [];

    /// <summary>The default of issue #14: an entry more than 7 days after the event is late.</summary>
    public const int DefaultLateEntryDays = 7;

    /// <summary>Components whose dose is <see cref="DoseRule.NotSet"/>: a version with any cannot be approved.</summary>
    public IReadOnlyList<ProtocolComponent> UnsetDoses => [.. Protocol.Components.Where(c => c.Dose is DoseRule.NotSet)];

    /// <summary>Lymphodepleting drugs of a CAR-T protocol whose dose per m² or days are not set: a version with any cannot be approved.</summary>
    public IReadOnlyList<LymphodepletionAgent> UnsetLymphodepletion => [.. Protocol.CarT?.Lymphodepletion.Where(a => !a.IsSet) ?? []];
}

/// <summary>
/// The one reader and writer of protocol definitions (JSON; YAML is converted to the same tree before it reaches
/// here). Every problem is gathered with its field path, the value and why; the canonical JSON written by
/// <see cref="ToJson"/> is what a stored version keeps, and reading it back gives the same definition.
/// </summary>
public static partial class ProtocolDefinitions
{
    /// <summary>The value of the <c>format</c> field of this version of the file format.</summary>
    public const string Format = "stroma-protocol/1";

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    /// <summary>Reads a JSON definition; the protocol gets <paramref name="version"/> as its version.</summary>
    public static (ProtocolDefinition? Definition, IReadOnlyList<Issue> Issues) Parse(string json, string version)
    {
        Preconditions.NotNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {(line + 1).ToString(CultureInfo.InvariantCulture)}" : "";
            return (null, [Issue.Error(IssueCodes.ProtocolUnreadable, "", $"The definition is not valid JSON{where}: {FirstSentence(ex.Message)}")]);
        }

        using (document)
        {
            var reader = new Reader();
            var definition = reader.Definition(document.RootElement, version);
            return reader.Issues.Count > 0 ? (null, reader.Issues) : (definition, []);
        }
    }

    /// <summary>The canonical JSON of a definition: fixed field order, two-space indent, invariant numbers.</summary>
    public static string ToJson(ProtocolDefinition definition)
    {
        Preconditions.NotNull(definition);
        var p = definition.Protocol;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteString("key", p.Key);
            w.WriteString("name", p.Name);
            w.WriteString("description", p.Description);
            w.WriteString("source", p.Source);
            w.WriteString("consentVersion", definition.ConsentVersion);
            w.WriteNumber("lateEntryDays", definition.LateEntryDays);
            w.WritePropertyName("tolerancePercent");
            w.WriteRawValue(Number(p.Tolerance.Fraction * 100m));
            w.WriteStartArray("components");
            foreach (var c in p.Components)
            {
                w.WriteStartObject();
                w.WriteString("key", c.Key);
                w.WriteString("label", c.Label);
                w.WriteStartArray("acceptedProducts");
                foreach (var t in CellProductTypes.All.Where(c.AcceptedProducts.Contains))
                {
                    w.WriteStringValue(t.Key());
                }

                w.WriteEndArray();
                w.WritePropertyName("dose");
                w.WriteStartObject();
                switch (c.Dose)
                {
                    case DoseRule.Fixed f:
                        w.WritePropertyName("cells");
                        w.WriteRawValue(Number(f.Cells.Value));
                        break;
                    case DoseRule.PerKilogram k:
                        w.WritePropertyName("cellsPerKg");
                        w.WriteRawValue(Number(k.Dose.CellsPerKg));
                        break;
                    case DoseRule.NotSet n:
                        w.WriteString("notSet", n.Why);
                        break;
                }

                w.WriteEndObject();
                if (c.Tolerance is { } own)
                {
                    w.WritePropertyName("tolerancePercent");
                    w.WriteRawValue(Number(own.Fraction * 100m));
                }

                w.WriteString("route", RouteKey(c.Route));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("administrations");
            foreach (var a in p.Administrations)
            {
                w.WriteStartObject();
                w.WriteNumber("number", a.Number);
                WriteOffset(w, a.Offset);
                WriteWindow(w, a.Window);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("followUps");
            foreach (var v in p.FollowUps)
            {
                w.WriteStartObject();
                w.WriteString("key", v.Key);
                w.WriteString("label", v.Label);
                w.WriteString("kind", v.Kind == FollowUpKind.Contact ? "contact" : "visit");
                WriteOffset(w, v.Offset);
                WriteWindow(w, v.Window);
                w.WriteStartArray("instruments");
                foreach (var i in v.Instruments)
                {
                    w.WriteStringValue(i);
                }

                w.WriteEndArray();
                w.WriteStartArray("labPanels");
                foreach (var panel in v.LabPanels)
                {
                    w.WriteStringValue(panel.Key());
                }

                w.WriteEndArray();
                if (v.Collects.Count > 0)
                {
                    w.WriteStartArray("collects");
                    foreach (var item in v.Collects)
                    {
                        w.WriteStringValue(item);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("notes");
            foreach (var note in p.Notes)
            {
                w.WriteStringValue(note);
            }

            w.WriteEndArray();
            if (p.CarT is { } carT)
            {
                WriteCarT(w, carT);
            }

            if (definition.Checks.Count > 0)
            {
                CheckDefinitions.Write(w, definition.Checks);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static void WriteCarT(Utf8JsonWriter w, CarTPlan carT)
    {
        w.WriteStartObject("carT");
        w.WriteString("bsaFormula", BodySurfaceArea.Key(carT.BsaFormula));
        w.WriteStartArray("preparation");
        foreach (var step in carT.Preparation)
        {
            w.WriteStartObject();
            w.WriteString("key", step.Key);
            w.WriteString("label", step.Label);
            w.WriteString("description", step.Description);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("releaseTests");
        foreach (var test in carT.ReleaseTests)
        {
            w.WriteStartObject();
            w.WriteString("key", test.Key);
            w.WriteString("label", test.Label);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("lymphodepletion");
        foreach (var agent in carT.Lymphodepletion)
        {
            w.WriteStartObject();
            w.WriteString("key", agent.Key);
            w.WriteString("drug", agent.Drug);
            if (agent.DosePerSquareMetre is { } dose)
            {
                w.WritePropertyName("mgPerM2");
                w.WriteRawValue(Number(dose.MilligramsPerSquareMetre));
            }

            w.WriteStartArray("daysRelativeToInfusion");
            foreach (var day in agent.DaysRelativeToInfusion)
            {
                w.WriteNumberValue(day);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// A built-in template as a definition: its consent version is its own version, late entry the default. With
    /// <paramref name="newKey"/> it is the starting point of a site's copy (doses not in the source stay not set).
    /// </summary>
    public static ProtocolDefinition FromTemplate(Protocol template, string? newKey = null)
    {
        Preconditions.NotNull(template);
        var protocol = newKey is null ? template : template with
        {
            Key = newKey,
            Notes = [.. template.Notes, $"Copied from the built-in template {template.Key} version {template.Version}."],
        };
        return new ProtocolDefinition(protocol, template.Version, ProtocolDefinition.DefaultLateEntryDays);
    }

    public static string RouteKey(AdministrationRoute route) => route switch
    {
        AdministrationRoute.Intravenous => "intravenous",
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, null),
    };

    private static void WriteOffset(Utf8JsonWriter w, ScheduleOffset offset)
    {
        w.WritePropertyName("offset");
        w.WriteStartObject();
        w.WriteNumber(offset.Unit == OffsetUnit.Days ? "days" : "months", offset.Amount);
        w.WriteEndObject();
    }

    private static void WriteWindow(Utf8JsonWriter w, VisitWindow window)
    {
        w.WritePropertyName("window");
        w.WriteStartObject();
        w.WriteNumber("daysBefore", window.DaysBefore);
        w.WriteNumber("daysAfter", window.DaysAfter);
        w.WriteEndObject();
    }

    private static string Number(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>Reads one document, gathering every issue with its path.</summary>
    private sealed class Reader
    {
        public List<Issue> Issues { get; } = [];

        public ProtocolDefinition? Definition(JsonElement root, string version)
        {
            if (!Object(root, "", ["format", "key", "name", "description", "source", "consentVersion", "lateEntryDays", "tolerancePercent",
                "components", "administrations", "followUps", "notes", "checks", "carT"]))
            {
                return null;
            }

            var format = String(root, "format", "format", required: false);
            if (format is not null && format != Format)
            {
                Invalid("format", format, $"the only format is {Format}");
            }

            var key = Key(root, "key", "key");
            var name = String(root, "name", "name", required: true);
            var description = String(root, "description", "description", required: false) ?? "";
            var source = String(root, "source", "source", required: true);
            var consent = String(root, "consentVersion", "consentVersion", required: true);
            var late = Integer(root, "lateEntryDays", "lateEntryDays", 0, 365, required: false) ?? ProtocolDefinition.DefaultLateEntryDays;
            var tolerance = Decimal(root, "tolerancePercent", "tolerancePercent", 0m, 100m, required: true);
            var components = Array(root, "components", "components", required: true, minimum: 1).Select(Component).ToList();
            var administrations = Array(root, "administrations", "administrations", required: true, minimum: 1).Select(Administration).ToList();
            var followUps = Array(root, "followUps", "followUps", required: false, minimum: 0).Select(FollowUp).ToList();
            var notes = Array(root, "notes", "notes", required: false, minimum: 0)
                .Select(e => StringItem(e.Element, e.Path)).Where(n => n is not null).Select(n => n!).ToList();

            Unique(components.Where(c => c is not null).Select(c => c!.Key), "components", "component key");
            Unique(followUps.Where(v => v is not null).Select(v => v!.Key), "followUps", "follow-up key");
            for (var i = 0; i < administrations.Count; i++)
            {
                if (administrations[i] is { } a && a.Number != i + 1)
                {
                    Issues.Add(Issue.Error(IssueCodes.ProtocolDuplicateOrOutOfOrder, $"administrations[{i}].number",
                        $"Administration number {a.Number} is in position {i + 1}: number them 1, 2, 3, … in order."));
                }
            }

            var adminKeys = administrations.Where(a => a is not null).Select(a => a!.Key).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < followUps.Count; i++)
            {
                if (followUps[i] is { } v && adminKeys.Contains(v.Key))
                {
                    Issues.Add(Issue.Error(IssueCodes.ProtocolDuplicateOrOutOfOrder, $"followUps[{i}].key",
                        $"Follow-up key '{v.Key}' is the key of an administration."));
                }
            }

            var carT = root.TryGetProperty("carT", out var carTElement) ? CarT(carTElement, "carT") : null;
            var visitKeys = followUps.Where(v => v is not null).Select(v => v!.Key).ToList();
            var checks = root.TryGetProperty("checks", out var checkList) ? CheckDefinitions.Read(checkList, "checks", visitKeys, Issues) : [];
            if (Issues.Count > 0)
            {
                return null;
            }

            var protocol = new Protocol(key!, name!, version, description, source!, [.. components!], [.. administrations!], [.. followUps!],
                DoseTolerance.Percent(tolerance!.Value), notes)
            { CarT = carT };
            return new ProtocolDefinition(protocol, consent!, late) { Checks = checks };
        }

        private ProtocolComponent? Component((JsonElement Element, string Path) item)
        {
            var (e, path) = item;
            if (!Object(e, path, ["key", "label", "acceptedProducts", "dose", "tolerancePercent", "route"]))
            {
                return null;
            }

            var key = Key(e, "key", $"{path}.key");
            var label = String(e, "label", $"{path}.label", required: true);
            var products = new HashSet<CellProductType>();
            foreach (var (p, ppath) in Array(e, "acceptedProducts", $"{path}.acceptedProducts", required: true, minimum: 1))
            {
                var text = StringItem(p, ppath);
                if (text is null)
                {
                    continue;
                }

                var type = CellProductTypes.All.Where(t => t.Key() == text).Cast<CellProductType?>().FirstOrDefault();
                if (type is null)
                {
                    Issues.Add(Issue.Error(IssueCodes.ProtocolUnknownCatalogueKey, ppath,
                        $"Unknown product type '{text}' (known: {string.Join(", ", CellProductTypes.All.Select(t => t.Key()))})."));
                }
                else
                {
                    products.Add(type.Value);
                }
            }

            var dose = Dose(e, $"{path}.dose");
            var route = String(e, "route", $"{path}.route", required: true);
            if (route is not null && route != "intravenous")
            {
                Invalid($"{path}.route", route, "the only route is intravenous");
            }

            var tolerance = Decimal(e, "tolerancePercent", $"{path}.tolerancePercent", 0m, 100m, required: false);
            return key is null || label is null || dose is null ? null
                : new ProtocolComponent(key, label, products, dose, AdministrationRoute.Intravenous)
                {
                    Tolerance = tolerance is { } percent ? DoseTolerance.Percent(percent) : null,
                };
        }

        private DoseRule? Dose(JsonElement parent, string path)
        {
            if (!parent.TryGetProperty("dose", out var e))
            {
                Missing(path);
                return null;
            }

            if (!Object(e, path, ["cells", "cellsPerKg", "notSet"]))
            {
                return null;
            }

            var given = e.EnumerateObject().Select(p => p.Name).Where(n => n is "cells" or "cellsPerKg" or "notSet").ToList();
            if (given.Count != 1)
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path,
                    "A dose has exactly one of cells (a number of cells), cellsPerKg (cells per kilogram) or notSet (why the source gives none)."));
                return null;
            }

            return given[0] switch
            {
                "cells" => Decimal(e, "cells", $"{path}.cells", 0m, decimal.MaxValue, required: true, positive: true) is { } cells
                    ? new DoseRule.Fixed(CellCount.Cells(cells)) : null,
                "cellsPerKg" => Decimal(e, "cellsPerKg", $"{path}.cellsPerKg", 0m, decimal.MaxValue, required: true, positive: true) is { } perKg
                    ? new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(perKg)) : null,
                _ => String(e, "notSet", $"{path}.notSet", required: true) is { } why ? new DoseRule.NotSet(why) : null,
            };
        }

        private PlannedAdministration? Administration((JsonElement Element, string Path) item)
        {
            var (e, path) = item;
            if (!Object(e, path, ["number", "offset", "window"]))
            {
                return null;
            }

            var number = Integer(e, "number", $"{path}.number", 1, 1000, required: true);
            var offset = Offset(e, $"{path}.offset");
            var window = Window(e, $"{path}.window");
            return number is null || offset is null || window is null ? null : new PlannedAdministration(number.Value, offset.Value, window.Value);
        }

        private PlannedVisit? FollowUp((JsonElement Element, string Path) item)
        {
            var (e, path) = item;
            if (!Object(e, path, ["key", "label", "kind", "offset", "window", "instruments", "labPanels", "collects"]))
            {
                return null;
            }

            var key = Key(e, "key", $"{path}.key");
            var label = String(e, "label", $"{path}.label", required: true);
            var kindText = String(e, "kind", $"{path}.kind", required: true);
            FollowUpKind? kind = kindText switch
            {
                "visit" => FollowUpKind.Visit,
                "contact" => FollowUpKind.Contact,
                null => null,
                _ => null,
            };
            if (kindText is not null && kind is null)
            {
                Invalid($"{path}.kind", kindText, "a follow-up is a visit or a contact");
            }

            var offset = Offset(e, $"{path}.offset");
            var window = Window(e, $"{path}.window");
            var instruments = new List<string>();
            foreach (var (i, ipath) in Array(e, "instruments", $"{path}.instruments", required: false, minimum: 0))
            {
                if (StringItem(i, ipath) is { } text)
                {
                    if (InstrumentCatalog.All.FirstOrDefault(x => x.Key == text) is null)
                    {
                        Issues.Add(Issue.Error(IssueCodes.ProtocolUnknownCatalogueKey, ipath,
                            $"Unknown instrument '{text}' (known: {string.Join(", ", InstrumentCatalog.All.Select(x => x.Key))})."));
                    }
                    else if (instruments.Contains(text))
                    {
                        Issues.Add(Issue.Error(IssueCodes.ProtocolDuplicateOrOutOfOrder, ipath, $"Instrument '{text}' is listed twice."));
                    }
                    else
                    {
                        instruments.Add(text);
                    }
                }
            }

            var panels = new List<LabPanel>();
            foreach (var (l, lpath) in Array(e, "labPanels", $"{path}.labPanels", required: false, minimum: 0))
            {
                if (StringItem(l, lpath) is { } text)
                {
                    if (LabPanelKeys.Find(text) is not { } panel)
                    {
                        Issues.Add(Issue.Error(IssueCodes.ProtocolUnknownCatalogueKey, lpath,
                            $"Unknown lab panel '{text}' (known: {string.Join(", ", Enum.GetValues<LabPanel>().Select(x => x.Key()))})."));
                    }
                    else if (panels.Contains(panel))
                    {
                        Issues.Add(Issue.Error(IssueCodes.ProtocolDuplicateOrOutOfOrder, lpath, $"Lab panel '{text}' is listed twice."));
                    }
                    else
                    {
                        panels.Add(panel);
                    }
                }
            }

            var collects = Array(e, "collects", $"{path}.collects", required: false, minimum: 0)
                .Select(c => StringItem(c.Element, c.Path)).Where(c => c is not null).Select(c => c!).ToList();
            return key is null || label is null || kind is null || offset is null || window is null ? null
                : new PlannedVisit(key, label, offset.Value, window.Value) { Kind = kind.Value, Instruments = instruments, LabPanels = panels, Collects = collects };
        }

        private CarTPlan? CarT(JsonElement e, string path)
        {
            if (!Object(e, path, ["bsaFormula", "preparation", "releaseTests", "lymphodepletion"]))
            {
                return null;
            }

            var formulaText = String(e, "bsaFormula", $"{path}.bsaFormula", required: true);
            var formula = BodySurfaceArea.FromKey(formulaText);
            if (formulaText is not null && formula is null)
            {
                Invalid($"{path}.bsaFormula", formulaText, "the body surface area formula is mosteller (Mosteller 1987) or du_bois (Du Bois 1916)");
            }

            var steps = new List<PreparationStep>();
            foreach (var (s, spath) in Array(e, "preparation", $"{path}.preparation", required: false, minimum: 0))
            {
                if (Object(s, spath, ["key", "label", "description"])
                    && Key(s, "key", $"{spath}.key") is { } key && String(s, "label", $"{spath}.label", required: true) is { } label)
                {
                    steps.Add(new PreparationStep(key, label, String(s, "description", $"{spath}.description", required: false) ?? ""));
                }
            }

            var tests = new List<ReleaseTestPlan>();
            foreach (var (t, tpath) in Array(e, "releaseTests", $"{path}.releaseTests", required: false, minimum: 0))
            {
                if (Object(t, tpath, ["key", "label"])
                    && Key(t, "key", $"{tpath}.key") is { } key && String(t, "label", $"{tpath}.label", required: true) is { } label)
                {
                    tests.Add(new ReleaseTestPlan(key, label));
                }
            }

            var agents = new List<LymphodepletionAgent>();
            foreach (var (a, apath) in Array(e, "lymphodepletion", $"{path}.lymphodepletion", required: false, minimum: 0))
            {
                if (!Object(a, apath, ["key", "drug", "mgPerM2", "daysRelativeToInfusion"]))
                {
                    continue;
                }

                var key = Key(a, "key", $"{apath}.key");
                var drug = String(a, "drug", $"{apath}.drug", required: true);
                var dose = Decimal(a, "mgPerM2", $"{apath}.mgPerM2", 0m, 100000m, required: false, positive: true);
                var days = new List<int>();
                foreach (var (d, dpath) in Array(a, "daysRelativeToInfusion", $"{apath}.daysRelativeToInfusion", required: false, minimum: 0))
                {
                    if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var day) || day is >= 0 or < -60)
                    {
                        Invalid(dpath, d.GetRawText(), "a day relative to the infusion is a whole number from -60 to -1 (lymphodepletion comes before day 0)");
                    }
                    else if (days.Count > 0 && day <= days[^1])
                    {
                        Issues.Add(Issue.Error(IssueCodes.ProtocolDuplicateOrOutOfOrder, dpath, $"Day {day} is not after day {days[^1]}: list the days once each, in ascending order."));
                    }
                    else
                    {
                        days.Add(day);
                    }
                }

                if (key is not null && drug is not null)
                {
                    agents.Add(new LymphodepletionAgent(key, drug, dose is { } mg ? DrugDosePerSquareMetre.MilligramsPerM2(mg) : null, days));
                }
            }

            Unique(steps.Select(s => s.Key), $"{path}.preparation", "preparation step key");
            Unique(tests.Select(t => t.Key), $"{path}.releaseTests", "release test key");
            Unique(agents.Select(a => a.Key), $"{path}.lymphodepletion", "lymphodepleting drug key");
            return formula is null ? null : new CarTPlan(steps, tests, agents, formula.Value);
        }

        private ScheduleOffset? Offset(JsonElement parent, string path)
        {
            if (!parent.TryGetProperty("offset", out var e))
            {
                Missing(path);
                return null;
            }

            if (!Object(e, path, ["days", "months"]))
            {
                return null;
            }

            var given = e.EnumerateObject().Select(p => p.Name).Where(n => n is "days" or "months").ToList();
            if (given.Count != 1)
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, "An offset has exactly one of days or months (from day 0)."));
                return null;
            }

            return given[0] == "days"
                ? Integer(e, "days", $"{path}.days", 0, 36500, required: true) is { } d ? ScheduleOffset.Days(d) : null
                : Integer(e, "months", $"{path}.months", 0, 1200, required: true) is { } m ? ScheduleOffset.Months(m) : null;
        }

        private VisitWindow? Window(JsonElement parent, string path)
        {
            if (!parent.TryGetProperty("window", out var e))
            {
                Missing(path);
                return null;
            }

            if (!Object(e, path, ["daysBefore", "daysAfter"]))
            {
                return null;
            }

            var before = Integer(e, "daysBefore", $"{path}.daysBefore", 0, 365, required: true);
            var after = Integer(e, "daysAfter", $"{path}.daysAfter", 0, 365, required: true);
            return before is null || after is null ? null : new VisitWindow(before.Value, after.Value);
        }

        private bool Object(JsonElement e, string path, string[] allowed)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, $"Expected an object, found {Kind(e)}."));
                return false;
            }

            foreach (var property in e.EnumerateObject().Where(p => !allowed.Contains(p.Name)))
            {
                var where = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                Issues.Add(Issue.Error(IssueCodes.ProtocolUnknownField, where,
                    $"Unknown field '{property.Name}' (fields here: {string.Join(", ", allowed)})."));
            }

            return true;
        }

        private List<(JsonElement Element, string Path)> Array(JsonElement parent, string name, string path, bool required, int minimum)
        {
            if (!parent.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Missing(path);
                }

                return [];
            }

            if (e.ValueKind != JsonValueKind.Array)
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, $"Expected a list, found {Kind(e)}."));
                return [];
            }

            var items = e.EnumerateArray().Select((x, i) => (x, $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]")).ToList();
            if (items.Count < minimum)
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, path, $"At least {minimum} entry is needed; the list is empty."));
            }

            return items;
        }

        private string? String(JsonElement parent, string name, string path, bool required)
        {
            if (!parent.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Missing(path);
                }

                return null;
            }

            var text = StringItem(e, path);
            if (text is not null && required && string.IsNullOrWhiteSpace(text))
            {
                Missing(path);
                return null;
            }

            return text?.Trim();
        }

        private string? StringItem(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.String)
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, $"Expected text, found {Kind(e)}."));
                return null;
            }

            return e.GetString();
        }

        private string? Key(JsonElement parent, string name, string path)
        {
            var text = String(parent, name, path, required: true);
            if (text is not null && !KeyPattern().IsMatch(text))
            {
                Invalid(path, text, "a key is lower-case snake_case: a letter, then letters, digits or _, at most 64");
                return null;
            }

            return text;
        }

        private int? Integer(JsonElement parent, string name, string path, int min, int max, bool required)
        {
            var value = Decimal(parent, name, path, min, max, required);
            if (value is { } v && v != decimal.Truncate(v))
            {
                Invalid(path, Number(v), "a whole number is needed");
                return null;
            }

            return value is null ? null : (int)value.Value;
        }

        private decimal? Decimal(JsonElement parent, string name, string path, decimal min, decimal max, bool required, bool positive = false)
        {
            if (!parent.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            {
                if (required)
                {
                    Missing(path);
                }

                return null;
            }

            if (e.ValueKind != JsonValueKind.Number)
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, $"Expected a number, found {Kind(e)}."));
                return null;
            }

            if (!e.TryGetDecimal(out var value) && !decimal.TryParse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                Invalid(path, e.GetRawText(), "the number is out of range");
                return null;
            }

            if (value < min || value > max || (positive && value <= 0m))
            {
                var range = positive ? "above 0" : max == decimal.MaxValue ? $"at least {Number(min)}" : $"{Number(min)} to {Number(max)}";
                Invalid(path, Number(value), $"it must be {range}");
                return null;
            }

            return value / 1.0000000000000000000000000000m;
        }

        private void Unique(IEnumerable<string> keys, string path, string what)
        {
            foreach (var duplicate in keys.GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Issues.Add(Issue.Error(IssueCodes.ProtocolDuplicateOrOutOfOrder, path, $"The {what} '{duplicate.Key}' appears {duplicate.Count()} times."));
            }
        }

        private void Missing(string path) =>
            Issues.Add(Issue.Error(IssueCodes.ProtocolFieldMissing, path, $"'{path}' is required."));

        private void Invalid(string path, string value, string why) =>
            Issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, path, $"'{value}' is not accepted: {why}."));

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => $"text \"{e.GetString()}\"",
            JsonValueKind.Number => $"the number {e.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => $"{e.GetRawText()}",
            _ => "null",
        };
    }
}
