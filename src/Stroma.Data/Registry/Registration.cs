using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Registry;

/// <summary>A site to add: its code (unique), name and optional two-letter country code.</summary>
public sealed record SiteRequest(string Code, string Name, string? Country);

/// <summary>
/// A patient to register at a site: pseudonymous study id (unique within the site), sex, birth year or date, and the
/// consent (form version and date, both required: nobody is registered without consent).
/// </summary>
public sealed record PatientRequest(string SiteCode, string StudyId, Sex? Sex, int? BirthYear, DateOnly? BirthDate, string? ConsentVersion, DateOnly? ConsentDate);

/// <summary>
/// Adding sites and registering patients from the command line (<c>stroma site add</c>, <c>stroma patient register</c>):
/// the same rules as the web app's administrator site page and registration form (whose localized messages are the
/// web's own), every problem reported at once with its field, value and why, nothing written when any is found.
/// Audited like every record (the context's save). Dates in the future are judged against the site's today
/// (<see cref="LateEntry.Today"/>).
/// </summary>
public static partial class Registration
{
    public const int StudyIdMaxLength = 64;
    public const int MinimumBirthYear = 1900;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex SiteCodePattern();

    [GeneratedRegex("^[A-Za-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CountryPattern();

    /// <summary>Adds a site and its first laboratory (<c>LAB</c>); the administrator's site page writes through it too.</summary>
    public static async Task<CellTherapyResult<Site>> AddSiteAsync(StromaDbContext db, SiteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        var code = request.Code?.Trim().ToUpperInvariant() ?? "";
        if (!SiteCodePattern().IsMatch(code))
        {
            issues.Add(Issue.Error(IssueCodes.SiteCodeInvalid, "code",
                $"Site code '{request.Code}' is not valid: 1 to 32 letters, digits, '-' or '_', starting with a letter or digit."));
        }
        else if (await db.Sites.AnyAsync(s => s.Code == code, cancellationToken).ConfigureAwait(false))
        {
            issues.Add(Issue.Error(IssueCodes.SiteCodeInvalid, "code", $"Site code '{code}' is already used by another site."));
        }

        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            issues.Add(Issue.Error(IssueCodes.SiteDetailsInvalid, "name", $"Site name is required (1 to 200 characters); got {name.Length}."));
        }

        var country = string.IsNullOrWhiteSpace(request.Country) ? null : request.Country.Trim();
        if (country is not null && !CountryPattern().IsMatch(country))
        {
            issues.Add(Issue.Error(IssueCodes.SiteDetailsInvalid, "country", $"Country '{country}' is not a two-letter ISO 3166-1 code (such as CN)."));
        }

        if (issues.Count > 0)
        {
            return Refusal.Of<Site>(issues);
        }

        var site = new Site { Id = Guid.CreateVersion7(), Code = code, Name = name, Country = country?.ToUpperInvariant() };
        db.Sites.Add(site);
        db.Laboratories.Add(new Laboratory { Id = Guid.CreateVersion7(), SiteId = site.Id, Code = "LAB", Name = $"{site.Name} laboratory" });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new(site, []);
    }

    /// <summary>Registers a patient at a site, with the consent, as the web registration form does (without enrolling).</summary>
    public static async Task<CellTherapyResult<Patient>> RegisterPatientAsync(StromaDbContext db, PatientRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var issues = new List<Issue>();
        var today = LateEntry.Today(db);
        var site = await db.Sites.SingleOrDefaultAsync(s => s.Code == request.SiteCode, cancellationToken).ConfigureAwait(false);
        if (site is null)
        {
            issues.Add(Issue.Error(IssueCodes.RegistrationUnknownSite, "site", $"No site has code '{request.SiteCode}'."));
        }

        var studyId = request.StudyId?.Trim() ?? "";
        if (studyId.Length == 0)
        {
            issues.Add(Issue.Error(IssueCodes.StudyIdInvalid, "study_id", "Study id is required."));
        }
        else if (studyId.Length > StudyIdMaxLength)
        {
            issues.Add(Issue.Error(IssueCodes.StudyIdInvalid, "study_id", $"Study id is {studyId.Length} characters; at most {StudyIdMaxLength}."));
        }
        else if (site is not null && await db.Patients.AnyAsync(p => p.SiteId == site.Id && p.StudyId == studyId, cancellationToken).ConfigureAwait(false))
        {
            issues.Add(Issue.Error(IssueCodes.StudyIdInvalid, "study_id", $"Study id '{studyId}' is already used at site {site.Code}."));
        }

        if (request.Sex is not { } sex || !Enum.IsDefined(sex))
        {
            issues.Add(Issue.Error(IssueCodes.PatientDetailsInvalid, "sex", "Sex is required (female or male)."));
        }

        CheckBirth(request, today, issues);
        CheckConsent(request, today, issues);
        if (issues.Count > 0)
        {
            return Refusal.Of<Patient>(issues);
        }

        var patient = new Patient
        {
            Id = Guid.CreateVersion7(),
            SiteId = site!.Id,
            StudyId = studyId,
            Sex = request.Sex!.Value,
            BirthDate = request.BirthDate,
            BirthYear = request.BirthDate is null ? request.BirthYear : null,
            ConsentVersion = request.ConsentVersion!.Trim(),
            ConsentDate = request.ConsentDate,
        };
        db.Patients.Add(patient);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new(patient, []);
    }

    private static void CheckBirth(PatientRequest request, DateOnly today, List<Issue> issues)
    {
        if (request.BirthYear is null && request.BirthDate is null)
        {
            issues.Add(Issue.Error(IssueCodes.PatientDetailsInvalid, "birth", "Give the birth year or the birth date."));
        }

        if (request.BirthYear is { } year && (year < MinimumBirthYear || year > today.Year))
        {
            issues.Add(Issue.Error(IssueCodes.PatientDetailsInvalid, "birth_year", $"Birth year {year} is outside {MinimumBirthYear} to {today.Year}."));
        }

        if (request.BirthDate is { } born)
        {
            if (born > today)
            {
                issues.Add(Issue.Error(IssueCodes.PatientDetailsInvalid, "birth_date", $"Birth date {Iso(born)} is after today ({Iso(today)})."));
            }
            else if (born.Year < MinimumBirthYear)
            {
                issues.Add(Issue.Error(IssueCodes.PatientDetailsInvalid, "birth_date", $"Birth date {Iso(born)} is before {MinimumBirthYear}."));
            }

            if (request.BirthYear is { } y && y != born.Year)
            {
                issues.Add(Issue.Error(IssueCodes.PatientDetailsInvalid, "birth_year", $"Birth year {y} disagrees with the birth date {Iso(born)}."));
            }
        }
    }

    private static void CheckConsent(PatientRequest request, DateOnly today, List<Issue> issues)
    {
        var version = request.ConsentVersion?.Trim();
        if (string.IsNullOrEmpty(version))
        {
            issues.Add(Issue.Error(IssueCodes.RegistrationConsentInvalid, "consent_version", "The consent form version is required: nobody is registered without consent."));
        }
        else if (version.Length > StudyIdMaxLength)
        {
            issues.Add(Issue.Error(IssueCodes.RegistrationConsentInvalid, "consent_version", $"Consent form version is {version.Length} characters; at most {StudyIdMaxLength}."));
        }

        if (request.ConsentDate is not { } consent)
        {
            issues.Add(Issue.Error(IssueCodes.RegistrationConsentInvalid, "consent_date", "The consent date is required: nobody is registered without consent."));
            return;
        }

        if (consent > today)
        {
            issues.Add(Issue.Error(IssueCodes.RegistrationConsentInvalid, "consent_date", $"Consent date {Iso(consent)} is after today ({Iso(today)})."));
        }

        var bornBy = request.BirthDate ?? (request.BirthYear is { } by and >= 1 and <= 9999 ? new DateOnly(by, 1, 1) : (DateOnly?)null);
        if (bornBy is { } b && consent < b)
        {
            issues.Add(Issue.Error(IssueCodes.RegistrationConsentInvalid, "consent_date", $"Consent date {Iso(consent)} is before the patient's birth."));
        }
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
