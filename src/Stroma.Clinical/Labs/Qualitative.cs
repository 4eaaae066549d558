using System.Globalization;

namespace Stroma.Clinical.Labs;

/// <summary>The ordered scales on which labs report non-numeric results.</summary>
public enum QualitativeScale
{
    /// <summary>Test-strip grades: negative &lt; trace &lt; 1+ &lt; 2+ &lt; 3+ &lt; 4+.</summary>
    Dipstick,

    /// <summary>Negative &lt; positive.</summary>
    PositiveNegative,

    /// <summary>End-point dilution titres: &lt;1:40 &lt; 1:40 &lt; 1:80 &lt; … (ordered by the dilution).</summary>
    Titre,

    /// <summary>Named categories with no order (e.g. an ANA immunofluorescence pattern); never flagged.</summary>
    Nominal,
}

/// <summary>
/// A qualitative result placed on its scale. <see cref="Rank"/> orders results on the same scale; results on
/// different scales are not comparable (<see cref="CompareTo"/> throws). For titres the rank is 2×dilution
/// (exact), 2×dilution − 1 for "&lt;1:N" and 2×dilution + 1 for "&gt;1:N", so &lt;1:80 &lt; 1:80 &lt; &gt;1:80 &lt; 1:160.
/// </summary>
public readonly record struct QualitativeValue(QualitativeScale Scale, long Rank, string Label) : IComparable<QualitativeValue>
{
    public int CompareTo(QualitativeValue other)
    {
        Preconditions.Requires(Scale == other.Scale && Scale != QualitativeScale.Nominal,
            $"Cannot order a {Scale} result against a {other.Scale} result.");
        return Rank.CompareTo(other.Rank);
    }

    public static bool operator <(QualitativeValue left, QualitativeValue right) => left.CompareTo(right) < 0;

    public static bool operator >(QualitativeValue left, QualitativeValue right) => left.CompareTo(right) > 0;

    public static bool operator <=(QualitativeValue left, QualitativeValue right) => left.CompareTo(right) <= 0;

    public static bool operator >=(QualitativeValue left, QualitativeValue right) => left.CompareTo(right) >= 0;

    public override string ToString() => Label;

    public static QualitativeValue Negative(QualitativeScale scale) =>
        scale == QualitativeScale.Dipstick ? new(scale, 0, "negative") : new(QualitativeScale.PositiveNegative, 0, "negative");

    /// <summary>A dipstick grade 0 (negative) … 5 (4+), as <see cref="Parse"/> ranks them.</summary>
    public static QualitativeValue Dipstick(int grade) => grade switch
    {
        0 => new(QualitativeScale.Dipstick, 0, "negative"),
        1 => new(QualitativeScale.Dipstick, 1, "trace"),
        >= 2 and <= 5 => new(QualitativeScale.Dipstick, grade, $"{grade - 1}+"),
        _ => throw new ArgumentOutOfRangeException(nameof(grade), grade, "Dipstick grades are 0 (negative) to 5 (4+)."),
    };

    /// <summary>A titre 1:<paramref name="dilution"/>.</summary>
    public static QualitativeValue TitreOf(long dilution)
    {
        Preconditions.Requires(dilution > 0, "A titre's dilution is positive.");
        return new(QualitativeScale.Titre, checked(2 * dilution), $"1:{dilution}");
    }

    /// <summary>
    /// Reads <paramref name="text"/> on <paramref name="scale"/>: dipstick "negative/neg/-/阴性", "trace/±/+-",
    /// "1+/+", "2+/++", "3+/+++", "4+/++++"; positive/negative "positive/pos/阳性", "negative/neg/阴性"; titres
    /// "1:320", "&lt;1:40", "&gt;1:1280" (also "≥"/"&gt;="/"≤"/"&lt;=" for the boundary itself, read as that titre);
    /// nominal: any non-blank text, kept as written. Null when the text is not on the scale.
    /// </summary>
    public static QualitativeValue? Parse(QualitativeScale scale, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim().ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        switch (scale)
        {
            case QualitativeScale.Dipstick:
                return t switch
                {
                    "negative" or "neg" or "-" or "阴性" or "0" => Dipstick(0),
                    "trace" or "±" or "+-" or "+/-" or "tr" or "微量" => Dipstick(1),
                    "1+" or "+" => Dipstick(2),
                    "2+" or "++" => Dipstick(3),
                    "3+" or "+++" => Dipstick(4),
                    "4+" or "++++" => Dipstick(5),
                    _ => null,
                };
            case QualitativeScale.PositiveNegative:
                return t switch
                {
                    "negative" or "neg" or "-" or "阴性" => new(scale, 0, "negative"),
                    "positive" or "pos" or "+" or "阳性" => new(scale, 1, "positive"),
                    _ => null,
                };
            case QualitativeScale.Titre:
                return ParseTitre(t);
            case QualitativeScale.Nominal:
                return new(scale, 0, text.Trim());
            default:
                return null;
        }
    }

    private static QualitativeValue? ParseTitre(string t)
    {
        var offset = 0;
        var prefix = "";
        if (t.StartsWith(">=", StringComparison.Ordinal) || t.StartsWith("<=", StringComparison.Ordinal))
        {
            t = t[2..];
        }
        else if (t.StartsWith('≥') || t.StartsWith('≤'))
        {
            t = t[1..];
        }
        else if (t.StartsWith('<'))
        {
            (offset, prefix, t) = (-1, "<", t[1..]);
        }
        else if (t.StartsWith('>'))
        {
            (offset, prefix, t) = (1, ">", t[1..]);
        }

        if (!t.StartsWith("1:", StringComparison.Ordinal)
            || !long.TryParse(t.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var dilution)
            || dilution <= 0 || dilution > 1_000_000_000)
        {
            return null;
        }

        return new QualitativeValue(QualitativeScale.Titre, (2 * dilution) + offset, $"{prefix}1:{dilution}");
    }
}
