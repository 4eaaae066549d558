using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Io;

/// <summary>Writes score results as JSON Lines or CSV, one record at a time (documented in docs/cli.md).</summary>
public abstract class ScoreResultWriter : IDisposable
{
    public static ScoreResultWriter Create(string format, TextWriter output) =>
        format == "csv" ? new Csv(output) : new JsonLines(output);

    public abstract void Write(string? id, ScoreResult result);

    public virtual void Dispose() => GC.SuppressFinalize(this);

    internal static string Severity(Issue issue) => issue.Severity.ToString().ToLowerInvariant();

    private sealed class JsonLines(TextWriter output) : ScoreResultWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        public override void Write(string? id, ScoreResult result)
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
            var w = _json;
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("instrument", result.Instrument);
            w.WriteString("algorithm", result.Algorithm);
            w.WriteString("version", result.Version);
            w.WriteBoolean("valid", result.IsValid);
            if (result.Total is { } total)
            {
                w.WriteNumber("total", total);
            }
            else
            {
                w.WriteNull("total");
            }

            w.WriteString("grade", result.Grade);
            w.WriteStartArray("contributions");
            foreach (var c in result.Contributions)
            {
                w.WriteStartObject();
                w.WriteString("key", c.Key);
                w.WriteString("label", c.Label);
                w.WriteNumber("points", c.Points);
                if (c.Note is not null)
                {
                    w.WriteString("note", c.Note);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("subtotals");
            foreach (var s in result.Subtotals)
            {
                w.WriteStartObject();
                w.WriteString("key", s.Key);
                w.WriteString("label", s.Label);
                if (s.Value is { } value)
                {
                    w.WriteNumber("value", value);
                }
                else
                {
                    w.WriteNull("value");
                }

                if (s.Grade is not null)
                {
                    w.WriteString("grade", s.Grade);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("explanation", result.Explanation);
            w.WriteStartArray("issues");
            foreach (var issue in result.Issues)
            {
                w.WriteStartObject();
                w.WriteString("severity", Severity(issue));
                w.WriteString("code", issue.Code);
                w.WriteString("path", issue.Path);
                w.WriteString("message", issue.Message);
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

    private sealed class Csv : ScoreResultWriter
    {
        private readonly CsvWriter _csv;

        public Csv(TextWriter output)
        {
            _csv = new Stroma.Data.Export.SafeCsvWriter(output, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\n" }, leaveOpen: true);
            foreach (var h in (string[])["id", "instrument", "algorithm", "version", "valid", "total", "grade", "contributions", "subtotals", "explanation", "issues"])
            {
                _csv.WriteField(h);
            }

            _csv.NextRecord();
        }

        public override void Write(string? id, ScoreResult result)
        {
            _csv.WriteField(id);
            _csv.WriteField(result.Instrument);
            _csv.WriteField(result.Algorithm);
            _csv.WriteField(result.Version);
            _csv.WriteField(result.IsValid ? "true" : "false");
            _csv.WriteField(result.Total?.ToString(CultureInfo.InvariantCulture));
            _csv.WriteField(result.Grade);
            _csv.WriteField(string.Join(";", result.Contributions.Select(c => $"{c.Key}={c.Points.ToString(CultureInfo.InvariantCulture)}")));
            _csv.WriteField(string.Join(";", result.Subtotals.Select(s =>
                $"{s.Key}={s.Value?.ToString(CultureInfo.InvariantCulture)}{(s.Grade is null ? "" : ":" + s.Grade)}")));
            _csv.WriteField(result.Explanation);
            _csv.WriteField(string.Join("; ", result.Issues.Select(i => $"{i.Code} {i.Path}: {i.Message}")));
            _csv.NextRecord();
        }

        public override void Dispose()
        {
            _csv.Flush();
            _csv.Dispose();
            base.Dispose();
        }
    }
}
