namespace Stroma.Clinical.Issues;

/// <summary>Codes of the SLE classification criteria (2019 EULAR/ACR, SLICC 2012): prefix CLS.</summary>
public static partial class IssueCodes
{
    /// <summary>
    /// 2019 EULAR/ACR: the entry criterion (ANA ≥ 1:80 on HEp-2 cells or equivalent, ever) was left blank, so the
    /// additive criteria are not applied and the patient is not classified (warning; record true or false).
    /// </summary>
    public const string ClassificationEntryCriterionNotRecorded = "CLS001";

    /// <summary>
    /// SLICC 2012: a positive direct Coombs test was recorded together with haemolytic anaemia; the Coombs criterion
    /// counts only in the absence of haemolytic anaemia, so it is not counted (information).
    /// </summary>
    public const string ClassificationCoombsWithHemolyticAnemia = "CLS002";
}
