namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// A figure the publication behind a protocol reports, declared as data so that a study report can show it beside the
/// registry's own figure (and the difference). Keys follow the study report: <paramref name="Measure"/> is a report
/// measure (<c>urine_protein_24h</c>), a response category (<c>MCR</c>), <c>overall_survival</c>, <c>relapse</c>,
/// <c>enrolled</c> or <c>lupus_nephritis</c>; <paramref name="Population"/> is <c>all</c> or <c>lupus_nephritis</c>.
/// </summary>
/// <param name="Measure">What was measured or counted.</param>
/// <param name="Population">Which patients: <c>all</c> or <c>lupus_nephritis</c>.</param>
/// <param name="Month">Months since the first administration (0: before treatment).</param>
/// <param name="Statistic"><c>mean</c>, <c>sd</c>, <c>count</c> or <c>proportion</c>.</param>
/// <param name="Value">The published value, as published (its rounding kept: compare to the same decimals).</param>
/// <param name="Decimals">Decimals the publication gives.</param>
/// <param name="Citation">Where the figure is published.</param>
/// <param name="Note">What about the figure is unconfirmed, if anything.</param>
public sealed record PublishedResult(string Measure, string Population, int Month, string Statistic, decimal Value, int Decimals, string Citation, string? Note = null);
