using System.Text;
using System.Text.Json;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Io;

/// <summary>
/// Reads JSON Lines (one flat object per line) as raw items, streaming: one line in memory at a time.
/// Blank lines are skipped. Values must be scalars (string, number, true/false, null).
/// </summary>
public static class JsonLinesReader
{
    public static IEnumerable<InputRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long lineNumber = 0;
        byte[] buffer = new byte[4096];
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var needed = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (needed > buffer.Length)
            {
                buffer = new byte[Math.Max(needed, buffer.Length * 2)];
            }

            var length = Encoding.UTF8.GetBytes(line, buffer);
            yield return Parse(lineNumber, buffer.AsSpan(0, length));
        }
    }

    private static InputRecord Parse(long lineNumber, ReadOnlySpan<byte> json)
    {
        var items = new Dictionary<string, ItemValue>(StringComparer.Ordinal);
        string? id = null;
        var hasId = false;
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed(lineNumber, "expected a JSON object ({...}) on each line");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString()!;
                reader.Read();
                ItemValue value;
                switch (reader.TokenType)
                {
                    case JsonTokenType.True:
                    case JsonTokenType.False:
                        value = ItemValue.Of(reader.GetBoolean());
                        break;
                    case JsonTokenType.Number when reader.TryGetDecimal(out var number):
                        value = ItemValue.Of(number);
                        break;
                    case JsonTokenType.Number:
                        value = ItemValue.Of(Encoding.UTF8.GetString(reader.ValueSpan));
                        break;
                    case JsonTokenType.String:
                        value = ItemValue.Of(reader.GetString());
                        break;
                    case JsonTokenType.Null:
                        value = ItemValue.Null;
                        break;
                    default:
                        return Malformed(lineNumber, $"the value of '{key}' is an object or array; expected a string, number, true/false or null");
                }

                if (key == "id")
                {
                    if (hasId)
                    {
                        return Malformed(lineNumber, "the key 'id' appears twice");
                    }

                    hasId = true;
                    id = value.Kind switch
                    {
                        ItemValueKind.Text => value.Text,
                        ItemValueKind.Null => null,
                        _ => value.ToString(),
                    };
                    continue;
                }

                if (!items.TryAdd(key, value))
                {
                    return Malformed(lineNumber, $"the key '{key}' appears twice");
                }
            }

            if (reader.Read())
            {
                return Malformed(lineNumber, "extra content after the JSON object");
            }
        }
        catch (JsonException ex)
        {
            return Malformed(lineNumber, $"not valid JSON ({ex.Message.Split(" LineNumber", 2)[0]})");
        }
        catch (InvalidOperationException) when (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            // Utf8JsonReader accepts an escaped lone surrogate such as "\ud800" as JSON but cannot turn it into text.
            var what = reader.TokenType == JsonTokenType.PropertyName ? "a key" : "a string";
            return Malformed(lineNumber, $"{what} holds an unpaired UTF-16 surrogate escape (such as \\ud800), which is not text");
        }

        return new InputRecord(lineNumber, id, items, null);
    }

    private static InputRecord Malformed(long line, string why) =>
        new(line, null, null, Issue.Error(IssueCodes.MalformedRecord, "", $"Line {line} cannot be read: {why}."));
}
