using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Scoring;

/// <summary>What one item added to a total, and why.</summary>
/// <param name="Key">The item key.</param>
/// <param name="Label">The published item name.</param>
/// <param name="Points">Points this item contributed (0 when present but not counted, with a note saying why).</param>
/// <param name="Note">Why it counted or did not (e.g. "lower-weighted criterion in the same domain").</param>
public sealed record ItemContribution(string Key, string Label, decimal Points, string? Note = null);

/// <summary>A named part of a result: a BILAG system grade, the clinical SLEDAI, a domain score.</summary>
public sealed record Subtotal(string Key, string Label, decimal? Value, string? Grade = null);

/// <summary>
/// The instrument-independent view of a scored assessment, as the CLI writes it and storage keeps it
/// (with the algorithm name and version so it can be recomputed).
/// </summary>
/// <param name="Instrument">The instrument key (e.g. <c>sledai2k</c>).</param>
/// <param name="Algorithm">The algorithm's human name, including its variant (e.g. "SLEDAI-2K, 10-day window").</param>
/// <param name="Version">The algorithm version stored with the score.</param>
/// <param name="Total">The total score, or null when the instrument has none or input was invalid.</param>
/// <param name="Grade">A grade, band or classification (e.g. "SLE", "LLDAS met"), or null.</param>
/// <param name="Contributions">Each item that contributed or was considered.</param>
/// <param name="Subtotals">Named parts of the result.</param>
/// <param name="Explanation">A human-readable account of why the result is what it is.</param>
/// <param name="Issues">Problems found; any error means no total or grade was produced.</param>
public sealed record ScoreResult(
    string Instrument,
    string Algorithm,
    string Version,
    decimal? Total,
    string? Grade,
    IReadOnlyList<ItemContribution> Contributions,
    IReadOnlyList<Subtotal> Subtotals,
    string Explanation,
    IReadOnlyList<Issue> Issues)
{
    public bool IsValid => !Issues.Any(i => i.IsError);

    /// <summary>A result that could not be computed because the input had errors.</summary>
    public static ScoreResult Invalid(IInstrument instrument, IReadOnlyList<Issue> issues) =>
        new(Preconditions.NotNull(instrument).Key, instrument.Name, instrument.Version, null, null, [], [],
            "Not scored: the input has errors.", issues);
}
