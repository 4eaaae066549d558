using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Stroma.Clinical.Labs;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Io;

/// <summary>
/// Writes <c>stroma labs interpret</c> output (docs/labs.md): JSON Lines, one object per specimen; or CSV, one row per
/// result, derived value, SLEDAI-2K suggestion and BILAG-2004 item, with a <c>kind</c> column.
/// </summary>
public abstract class LabsOutputWriter : IDisposable
{
    public static LabsOutputWriter Create(string format, TextWriter output) =>
        format == "csv" ? new Csv(output) : new JsonLines(output);

    public abstract void Write(string id, string takenAt, Sex? sex, int? age, LabPanelInterpretation panel);

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private static string? SexText(Sex? sex) => sex switch
    {
        Sex.Female => "female",
        Sex.Male => "male",
        _ => null,
    };

    private static string Lines(IEnumerable<string> ids) => string.Join(";", ids);

    private sealed class JsonLines(TextWriter output) : LabsOutputWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(4096);
        private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        public override void Write(string id, string takenAt, Sex? sex, int? age, LabPanelInterpretation panel)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            var w = _json;
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("taken_at", takenAt);
            w.WriteString("sex", SexText(sex));
            if (age is { } a)
            {
                w.WriteNumber("age", a);
            }
            else
            {
                w.WriteNull("age");
            }

            w.WriteStartArray("results");
            foreach (var r in panel.Results)
            {
                w.WriteStartObject();
                w.WriteString("line", r.SourceId);
                w.WriteString("analyte", r.Analyte.Key);
                w.WriteString("loinc", r.Analyte.Loinc);
                w.WriteString("name", r.Analyte.Name);
                w.WriteString("reported", r.ReportedText);
                if (r.Normalised is { } q)
                {
                    w.WriteNumber("value", q.Value);
                    w.WriteString("unit", q.Unit.Code);
                }
                else
                {
                    w.WriteString("grade", r.Qualitative?.Label);
                }

                w.WriteString("flag", r.Flag.Code());
                w.WriteString("range", r.Range?.Describe());
                w.WriteString("range_source", r.Range?.DescribeSource());
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("derived");
            foreach (var d in panel.Derived)
            {
                w.WriteStartObject();
                w.WriteString("key", d.Key);
                w.WriteString("name", d.Name);
                w.WriteNumber("value", d.Value.Value);
                w.WriteString("unit", d.Value.Unit.Code);
                w.WriteString("flag", d.Flag.Code());
                w.WriteString("range", d.Range?.Describe());
                w.WriteString("formula", d.Formula);
                w.WriteString("version", d.FormulaVersion);
                w.WriteStartArray("inputs");
                foreach (var i in d.Inputs)
                {
                    w.WriteStartObject();
                    w.WriteString("name", i.Name);
                    w.WriteString("value", i.Value);
                    w.WriteString("line", i.SourceId);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("sledai2k_suggestions");
            foreach (var s in panel.Sledai)
            {
                w.WriteStartObject();
                w.WriteString("key", s.Key);
                w.WriteNumber("weight", Sledai2k.Definition(s.Descriptor).Weight);
                w.WriteString("rule", s.Rule);
                w.WriteStartArray("evidence");
                foreach (var e in s.Evidence)
                {
                    w.WriteStringValue(e);
                }

                w.WriteEndArray();
                w.WriteString("lines", Lines(s.SourceIds));
                w.WriteString("to_confirm", s.ToConfirm);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("bilag2004_items");
            foreach (var b in panel.Bilag)
            {
                w.WriteStartObject();
                w.WriteNumber("item", b.Number);
                w.WriteString("name", b.Name);
                if (b.Value is { } v)
                {
                    w.WriteNumber("value", v);
                }
                else
                {
                    w.WriteNull("value");
                }

                w.WriteString("form_unit", b.FormUnit);
                w.WriteString("text", b.Text);
                w.WriteString("lines", Lines(b.SourceIds));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            output.Write('\n');
        }

        public override void Dispose()
        {
            _json.Dispose();
            base.Dispose();
        }
    }

    private sealed class Csv : LabsOutputWriter
    {
        private static readonly string[] Header =
            ["id", "taken_at", "kind", "lines", "analyte", "loinc", "reported", "value", "unit", "flag", "range", "range_source", "detail"];

        private readonly CsvWriter _csv;

        public Csv(TextWriter output)
        {
            _csv = new Stroma.Data.Export.SafeCsvWriter(output, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }, leaveOpen: true);
            Row(Header);
        }

        private void Row(params string?[] fields)
        {
            foreach (var f in fields)
            {
                _csv.WriteField(f);
            }

            _csv.NextRecord();
        }

        public override void Write(string id, string takenAt, Sex? sex, int? age, LabPanelInterpretation panel)
        {
            foreach (var r in panel.Results)
            {
                Row(id, takenAt, "result", r.SourceId, r.Analyte.Key, r.Analyte.Loinc, r.ReportedText,
                    r.Normalised is { } q ? Quantity.Format(q.Value) : r.Qualitative?.Label, r.Normalised?.Unit.Code,
                    r.Flag.Code(), r.Range?.Describe(), r.Range?.DescribeSource(), r.Analyte.Name);
            }

            foreach (var d in panel.Derived)
            {
                Row(id, takenAt, "derived", Lines(d.Inputs.Where(i => i.SourceId is not null).Select(i => i.SourceId!)), d.Key, null, null,
                    Quantity.Format(d.Value.Value), d.Value.Unit.Code, d.Flag.Code(), d.Range?.Describe(), d.Range?.DescribeSource(),
                    $"{d.Name}; {d.FormulaVersion}; inputs: {string.Join(", ", d.Inputs.Select(i => $"{i.Name} {i.Value}"))}");
            }

            foreach (var s in panel.Sledai)
            {
                Row(id, takenAt, "sledai2k", Lines(s.SourceIds), s.Key, null, null,
                    Sledai2k.Definition(s.Descriptor).Weight.ToString(CultureInfo.InvariantCulture), "points", "suggested", null, null,
                    $"{s.Rule}: {string.Join("; ", s.Evidence)}. To confirm: {s.ToConfirm}");
            }

            foreach (var b in panel.Bilag)
            {
                Row(id, takenAt, "bilag2004", Lines(b.SourceIds), $"item {b.Number}", null, null,
                    b.Value is { } v ? Quantity.Format(v) : null, b.FormUnit, null, null, null, $"{b.Name}: {b.Text}");
            }
        }

        public override void Dispose()
        {
            _csv.Flush();
            _csv.Dispose();
            base.Dispose();
        }
    }
}
