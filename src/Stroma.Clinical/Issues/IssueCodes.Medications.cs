namespace Stroma.Clinical.Issues;

/// <summary>Medication courses recorded at a visit or stopped (MED); see docs/issue-codes.md "Medications (MED)".</summary>
public static partial class IssueCodes
{
    /// <summary>The drug name is missing or longer than 200 characters.</summary>
    public const string MedicationDrugMissing = "MED001";

    /// <summary>A dose that is not a positive number, a dose without its unit or a unit without a dose, or a prednisone-equivalent dose that is negative or given for a drug that is not a glucocorticoid.</summary>
    public const string MedicationDoseInvalid = "MED002";

    /// <summary>A stop date before the course's start date.</summary>
    public const string MedicationStopBeforeStart = "MED003";

    /// <summary>No running medication course with this id for this patient (unknown, at a site the user does not work at, deleted, or already stopped).</summary>
    public const string MedicationNotRunning = "MED004";
}
