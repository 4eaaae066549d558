namespace Stroma.Clinical.Issues;

/// <summary>Codes of registering sites and patients; see docs/issue-codes.md "Registry (REG)".</summary>
public static partial class IssueCodes
{
    /// <summary>A site code that is malformed (letters, digits, '-' and '_', 1–32, starting with a letter or digit) or already used.</summary>
    public const string SiteCodeInvalid = "REG001";

    /// <summary>A site without its name, or a country that is not a two-letter ISO 3166-1 code.</summary>
    public const string SiteDetailsInvalid = "REG002";

    /// <summary>A patient registered at a site code the registry does not have.</summary>
    public const string RegistrationUnknownSite = "REG003";

    /// <summary>A study id that is empty, longer than 64 characters, or already used at the site.</summary>
    public const string StudyIdInvalid = "REG004";

    /// <summary>A patient's sex missing, or birth year and date missing, out of range (1900 to today), in the future, or disagreeing.</summary>
    public const string PatientDetailsInvalid = "REG005";

    /// <summary>A patient's consent missing (form version and date both required), in the future, or before birth.</summary>
    public const string RegistrationConsentInvalid = "REG006";
}
