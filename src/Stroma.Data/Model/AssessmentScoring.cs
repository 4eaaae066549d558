using System.Text.Json;
using System.Text.Json.Serialization;
using Stroma.Clinical.Scoring;

namespace Stroma.Data.Model;

/// <summary>
/// Builds <see cref="Assessment"/> records from raw item values by scoring them with the instrument of
/// <see cref="InstrumentCatalog"/>, keeping the inputs, the algorithm version and the full result so a stored score
/// can be recomputed and compared when an algorithm changes.
/// </summary>
public static class AssessmentScoring
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Scores <paramref name="items"/> with <paramref name="instrumentKey"/>; null when the key is unknown.</summary>
    public static Assessment? Score(string instrumentKey, IReadOnlyDictionary<string, ItemValue> items, Guid patientId, Guid? visitId, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (InstrumentCatalog.Find(instrumentKey) is not { } instrument)
        {
            return null;
        }

        var result = instrument.Score(items);
        var renal = Renal(result);
        return new Assessment
        {
            PatientId = patientId,
            VisitId = visitId,
            AssessmentDate = date,
            Instrument = instrument.Key,
            AlgorithmVersion = result.Version,
            InputsJson = WriteInputs(items),
            ResultJson = JsonSerializer.Serialize(result, Json),
            Total = result.Total,
            Grade = result.Grade,
            RenalSubtotal = renal?.Value,
            RenalGrade = renal?.Grade,
        };
    }

    /// <summary>
    /// Replaces <paramref name="target"/>'s score (inputs, algorithm version, result and the values copied from it) with
    /// <paramref name="scored"/>'s, as <see cref="Score"/> built it: a correction keeps the record and takes the new score.
    /// </summary>
    public static void CopyScore(Assessment scored, Assessment target)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(target);
        target.AlgorithmVersion = scored.AlgorithmVersion;
        target.InputsJson = scored.InputsJson;
        target.ResultJson = scored.ResultJson;
        target.Total = scored.Total;
        target.Grade = scored.Grade;
        target.RenalSubtotal = scored.RenalSubtotal;
        target.RenalGrade = scored.RenalGrade;
    }

    /// <summary>The result's subtotal keyed <c>renal</c> (BILAG-2004's renal system), copied to <see cref="Assessment.RenalSubtotal"/>.</summary>
    private static Subtotal? Renal(ScoreResult result) => result.Subtotals.FirstOrDefault(s => s.Key == "renal");

    /// <summary>Scores a stored assessment's inputs again with the current algorithm.</summary>
    public static ScoreResult? Recompute(Assessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        return InstrumentCatalog.Find(assessment.Instrument)?.Score(ReadInputs(assessment.InputsJson));
    }

    /// <summary>Item values as a JSON object (booleans, numbers, strings, null), keys in order.</summary>
    public static string WriteInputs(IReadOnlyDictionary<string, ItemValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in items.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                switch (value.Kind)
                {
                    case ItemValueKind.Boolean:
                        writer.WriteBoolean(key, value.Boolean);
                        break;
                    case ItemValueKind.Number:
                        writer.WriteNumber(key, value.Number);
                        break;
                    case ItemValueKind.Text:
                        writer.WriteString(key, value.Text);
                        break;
                    default:
                        writer.WriteNull(key);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IReadOnlyDictionary<string, ItemValue> ReadInputs(string json)
    {
        using var document = JsonDocument.Parse(json);
        var items = new Dictionary<string, ItemValue>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            items[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.True => ItemValue.Of(true),
                JsonValueKind.False => ItemValue.Of(false),
                JsonValueKind.Number => ItemValue.Of(property.Value.GetDecimal()),
                JsonValueKind.String => ItemValue.Of(property.Value.GetString()),
                _ => ItemValue.Null,
            };
        }

        return items;
    }
}
