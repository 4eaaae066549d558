using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>The two immune effector cell syndromes the ASTCT 2019 consensus grades.</summary>
public enum CarTSyndrome
{
    /// <summary>Cytokine release syndrome: <c>crs_astct2019</c>.</summary>
    CytokineReleaseSyndrome = 1,

    /// <summary>Immune effector cell-associated neurotoxicity syndrome: <c>icans_astct2019</c>.</summary>
    Icans = 2,
}

/// <summary>
/// Leads an adverse event entered as CTCAE "cytokine release syndrome" (or as ICANS) on a CAR-T patient to the ASTCT
/// 2019 grading (Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38), which harmonises the grading of these two
/// syndromes after immune effector cell therapy; organ toxicities stay CTCAE-graded adverse events alongside.
/// </summary>
public static class CarTToxicity
{
    private static readonly string[] CrsTerms = ["cytokine release syndrome", "crs", "细胞因子释放综合征"];

    private static readonly string[] IcansTerms =
        ["immune effector cell-associated neurotoxicity syndrome", "immune effector cell associated neurotoxicity syndrome", "icans", "免疫效应细胞相关神经毒性综合征"];

    /// <summary>The syndrome an adverse-event term names (case-insensitive, whole term), or null.</summary>
    public static CarTSyndrome? Syndrome(string? term)
    {
        var t = (term ?? "").Trim().ToLowerInvariant();
        return CrsTerms.Contains(t) ? CarTSyndrome.CytokineReleaseSyndrome
            : IcansTerms.Contains(t) ? CarTSyndrome.Icans
            : null;
    }

    /// <summary>The instrument key that grades a syndrome.</summary>
    public static string InstrumentKey(CarTSyndrome syndrome) => syndrome == CarTSyndrome.CytokineReleaseSyndrome
        ? Scoring.CrsAstct2019.Instrument.Key
        : Scoring.IcansAstct2019.Instrument.Key;

    /// <summary>
    /// <c>CAR004</c> (warning) when the event is CRS or ICANS and the patient received (or is enrolled for) CAR-T;
    /// null otherwise. The event is still recorded: the CTCAE grade stays as entered.
    /// </summary>
    /// <param name="adverseEvent">The event.</param>
    /// <param name="carTPatient">Whether the patient is enrolled on a CAR-T protocol or was infused with a CAR-T lot.</param>
    public static Issue? GradingAdvice(AdverseEvent adverseEvent, bool carTPatient)
    {
        Preconditions.NotNull(adverseEvent);
        if (!carTPatient || Syndrome(adverseEvent.Term) is not { } syndrome)
        {
            return null;
        }

        var key = InstrumentKey(syndrome);
        var name = syndrome == CarTSyndrome.CytokineReleaseSyndrome ? "Cytokine release syndrome" : "ICANS";
        return Issue.Warning(IssueCodes.CarTToxicityNeedsAstctGrade, "term",
            $"{name} after CAR-T is graded with the ASTCT 2019 consensus: grade it with the instrument {key} ('stroma score {key}', web /score/{key}) each day it lasts; "
            + "the CTCAE grade entered here is kept as entered, and organ toxicities stay separate CTCAE-graded adverse events.");
    }
}
