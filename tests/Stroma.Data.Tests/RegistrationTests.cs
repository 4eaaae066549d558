// Source: issue #14 "Done when" (case 1 and case 2 built from an empty registry through the CLI alone: the site and the
// patients too) and docs/cli.md "Sites and patients": a site with its first laboratory; a patient with sex, birth and
// consent (form version and date, both required); every problem at once (REG001–REG006), nothing written; audited.
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data.Registry;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class RegistrationTests
{
    // Noon UTC, so the site's date is 2026-12-06 whatever the machine's zone.
    private static ManualClock Clock() => ManualClock.At("2026-12-06T12:00:00Z");

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task AddSiteAndRegisterPatient_Valid_StoredWithLaboratoryConsentAndAudit(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("registrar", Clock());

        var site = await Registration.AddSiteAsync(db, new SiteRequest(" cr ", "Case-report hospital", "cn"));
        var patient = await Registration.RegisterPatientAsync(db, new PatientRequest("CR", " CR-002 ", Sex.Female, 1975, null, "1", new DateOnly(2015, 9, 28)));

        site.Issues.ShouldBeEmpty();
        site.Value!.Code.ShouldBe("CR");
        site.Value.Country.ShouldBe("CN");
        (await db.Laboratories.CountAsync(l => l.SiteId == site.Value.Id && l.Code == "LAB")).ShouldBe(1);
        patient.Issues.ShouldBeEmpty();
        var stored = await db.Patients.AsNoTracking().SingleAsync();
        stored.StudyId.ShouldBe("CR-002");
        stored.BirthYear.ShouldBe(1975);
        stored.ConsentVersion.ShouldBe("1");
        stored.ConsentDate.ShouldBe(new DateOnly(2015, 9, 28));
        (await db.AuditEntries.AnyAsync(a => a.Entity == "Patient" && a.UserName == "registrar" && a.Action == "insert" && a.NewValue!.Contains("CR-002"))).ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task RegisterPatient_EveryProblem_ReportedAtOnceAndNothingWritten(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("registrar", Clock());
        (await Registration.AddSiteAsync(db, new SiteRequest("CR", "Case-report hospital", null))).Succeeded.ShouldBeTrue();
        (await Registration.RegisterPatientAsync(db, new PatientRequest("CR", "CR-001", Sex.Female, 1960, null, "1", new DateOnly(2017, 8, 1)))).Succeeded.ShouldBeTrue();

        var taken = await Registration.RegisterPatientAsync(db, new PatientRequest("CR", "CR-001", null, 1890, new DateOnly(2027, 1, 1), " ", new DateOnly(2026, 12, 7)));
        var unknownSite = await Registration.RegisterPatientAsync(db, new PatientRequest("XX", "XX-1", Sex.Male, 1980, null, "1", null));
        var site = await Registration.AddSiteAsync(db, new SiteRequest("cr", " ", "China"));
        var badCode = await Registration.AddSiteAsync(db, new SiteRequest("-CR", "x", null));

        taken.Value.ShouldBeNull();
        taken.Issues.Select(i => (i.Code, i.Path)).ShouldBe(
        [
            (IssueCodes.StudyIdInvalid, "study_id"),
            (IssueCodes.PatientDetailsInvalid, "sex"),
            (IssueCodes.PatientDetailsInvalid, "birth_year"),
            (IssueCodes.PatientDetailsInvalid, "birth_date"),
            (IssueCodes.PatientDetailsInvalid, "birth_year"),
            (IssueCodes.RegistrationConsentInvalid, "consent_version"),
            (IssueCodes.RegistrationConsentInvalid, "consent_date"),
            (IssueCodes.RegistrationConsentInvalid, "consent_date"),
        ]);
        taken.Issues[0].Message.ShouldBe("Study id 'CR-001' is already used at site CR.");
        taken.Issues[6].Message.ShouldBe("Consent date 2026-12-07 is after today (2026-12-06).");
        unknownSite.Issues.Select(i => i.Code).ShouldBe([IssueCodes.RegistrationUnknownSite, IssueCodes.RegistrationConsentInvalid]);
        site.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.SiteCodeInvalid, "code"), (IssueCodes.SiteDetailsInvalid, "name"), (IssueCodes.SiteDetailsInvalid, "country")]);
        badCode.Issues.Single().Code.ShouldBe(IssueCodes.SiteCodeInvalid);
        (await db.Patients.CountAsync()).ShouldBe(1);
        (await db.Sites.CountAsync()).ShouldBe(1);
    }
}
