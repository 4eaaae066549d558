using System.Globalization;
using System.Text;
using System.Text.Json;
using Stroma.Clinical.Issues;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Stroma.Data.Protocols;

/// <summary>
/// Brings a protocol definition file, JSON or YAML, to the JSON tree the one Clinical reader
/// (<c>ProtocolDefinitions.Parse</c>) reads. YAML plain scalars become numbers, true/false or null when they read as
/// such (YAML 1.2 core schema); quoted scalars stay text.
/// </summary>
public static class ProtocolFiles
{
    /// <summary>The definition as JSON text: JSON is returned as is (it starts with <c>{</c>), anything else is read as YAML.</summary>
    public static (string? Json, Issue? Issue) ToJson(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.TrimStart().StartsWith('{'))
        {
            return (text, null);
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count != 1)
            {
                return (null, Issue.Error(IssueCodes.ProtocolUnreadable, "",
                    $"A definition file holds one YAML document; this one holds {stream.Documents.Count.ToString(CultureInfo.InvariantCulture)}."));
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                Write(writer, stream.Documents[0].RootNode);
            }

            return (Encoding.UTF8.GetString(buffer.ToArray()), null);
        }
        catch (YamlException ex)
        {
            return (null, Issue.Error(IssueCodes.ProtocolUnreadable, "",
                $"The definition is not valid YAML at line {ex.Start.Line.ToString(CultureInfo.InvariantCulture)}, column {ex.Start.Column.ToString(CultureInfo.InvariantCulture)}: {ex.Message}"));
        }
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode k ? k.Value ?? "" : key.ToString());
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain)
        {
            if (value is "" or "~" or "null" or "Null" or "NULL")
            {
                writer.WriteNullValue();
                return;
            }

            if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            {
                writer.WriteBooleanValue(value.StartsWith('t') || value.StartsWith('T'));
                return;
            }

            if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !value.StartsWith('+') && !value.EndsWith('.'))
            {
                writer.WriteRawValue(value.StartsWith('.') ? "0" + value : value);
                return;
            }
        }

        writer.WriteStringValue(value);
    }
}
