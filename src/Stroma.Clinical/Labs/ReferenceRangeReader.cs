using System.Globalization;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Labs;

/// <summary>
/// Reads a site's reference range from named text fields (one row of a <c>--ranges</c> CSV file; docs/labs.md):
/// <c>lab, analyte, sex, age_min, age_max, unit, low, high, critical_low, critical_high, upper_normal, source</c>.
/// Every problem is reported (code LAB007 unless a more specific one applies); nothing is guessed.
/// </summary>
public static class ReferenceRangeReader
{
    /// <summary>The columns a ranges file may have.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["lab", "analyte", "sex", "age_min", "age_max", "unit", "low", "high", "critical_low", "critical_high", "upper_normal", "source"];

    public static (ReferenceRange? Range, IReadOnlyList<Issue> Issues) Read(IReadOnlyDictionary<string, string?> fields)
    {
        Preconditions.NotNull(fields);
        var issues = new List<Issue>();
        string? F(string key) => fields.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        foreach (var key in fields.Keys.Where(k => !Columns.Contains(k)))
        {
            issues.Add(Issue.Error(IssueCodes.UnknownItem, key, $"Unknown ranges column '{key}'; expected: {string.Join(", ", Columns)}."));
        }

        var lab = F("lab");
        if (lab is null)
        {
            issues.Add(Issue.Error(IssueCodes.InvalidRange, "lab", "A site range needs the laboratory id it belongs to."));
        }

        var analyte = AnalyteCatalog.Find(F("analyte"));
        if (analyte is null)
        {
            issues.Add(Issue.Error(IssueCodes.UnknownAnalyte, "analyte", $"Unknown analyte \"{F("analyte")}\"."));
        }

        Sex? sex = null;
        if (F("sex") is { } sexText)
        {
            sex = ParseSex(sexText);
            if (sex is null)
            {
                issues.Add(Issue.Error(IssueCodes.InvalidDemographics, "sex", $"Sex \"{sexText}\" is not female/f or male/m (leave empty for both)."));
            }
        }

        int? Age(string key)
        {
            if (F(key) is not { } text)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var age) && age <= 150)
            {
                return age;
            }

            issues.Add(Issue.Error(IssueCodes.InvalidRange, key, $"{key} \"{text}\" is not a whole number of years 0-150."));
            return null;
        }

        decimal? Number(string key)
        {
            if (F(key) is not { } text)
            {
                return null;
            }

            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            issues.Add(Issue.Error(IssueCodes.InvalidRange, key, $"{key} \"{text}\" is not a non-negative number."));
            return null;
        }

        var (ageMin, ageMax) = (Age("age_min"), Age("age_max"));
        var (low, high, cl, ch) = (Number("low"), Number("high"), Number("critical_low"), Number("critical_high"));
        UcumUnit? unit = null;
        if (F("unit") is { } unitText)
        {
            unit = Units.Find(unitText);
            if (unit is null)
            {
                issues.Add(Issue.Error(IssueCodes.UnknownUnit, "unit", $"Unknown unit \"{unitText}\"."));
            }
            else if (analyte is not null && !analyte.Accepts(unit))
            {
                issues.Add(Issue.Error(IssueCodes.UnitNotForAnalyte, "unit", $"{analyte.Name} is not reported in {unit.Code}."));
            }
        }
        else if (low is not null || high is not null || cl is not null || ch is not null)
        {
            issues.Add(Issue.Error(IssueCodes.MissingItem, "unit", "Numeric limits need their unit."));
        }

        QualitativeValue? upper = null;
        if (F("upper_normal") is { } upperText && analyte is not null)
        {
            upper = analyte.Scale is { } scale ? QualitativeValue.Parse(scale, upperText) : null;
            if (upper is null)
            {
                issues.Add(Issue.Error(IssueCodes.UnreadableValue, "upper_normal", $"\"{upperText}\" is not a grade on {analyte.Name}'s scale."));
            }
        }

        if (low > high || cl > low || ch < high || ageMin > ageMax)
        {
            issues.Add(Issue.Error(IssueCodes.InvalidRange, "", "Limits out of order: need critical_low ≤ low ≤ high ≤ critical_high and age_min ≤ age_max."));
        }

        if (low is null && high is null && cl is null && ch is null && upper is null && issues.Count == 0)
        {
            issues.Add(Issue.Error(IssueCodes.InvalidRange, "", "A range needs at least one limit (low, high, critical_low, critical_high or upper_normal)."));
        }

        if (F("source") is null)
        {
            issues.Add(Issue.Error(IssueCodes.InvalidRange, "source", "Say where the range comes from (e.g. the laboratory's report or SOP), so flags can be traced."));
        }

        if (issues.Count > 0)
        {
            return (null, issues);
        }

        return (new ReferenceRange(analyte!.Key, F("source")!, RangeStatus.SiteSupplied)
        {
            LabId = lab,
            Sex = sex,
            AgeMin = ageMin,
            AgeMax = ageMax,
            Unit = unit,
            Low = low,
            High = high,
            CriticalLow = cl,
            CriticalHigh = ch,
            UpperNormal = upper,
        }, issues);
    }

    /// <summary>female/f/女 → Female; male/m/男 → Male; anything else null.</summary>
    public static Sex? ParseSex(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "female" or "f" or "女" => Sex.Female,
        "male" or "m" or "男" => Sex.Male,
        _ => null,
    };
}
