// Source: issue #14 "Protocols as versioned, signed data" and docs/cell-therapy.md "Protocols, versions and consent
// versions": a version is immutable once approved with an e-signature; a change makes version N+1 with a reason;
// templates are read-only; a dose not set is refused at approval; infusing under version 2 with consent to version 1
// is refused (INF004). Wang D et al. Arthritis Res Ther 2014;16:R79 (UC-MSC day 0 and day 7; 1×10^6 cells/kg UNCONFIRMED).
#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;
using Stroma.Data.Protocols;

namespace Stroma.Data.Tests;

public sealed class ProtocolVersionTests
{
    private static readonly DateOnly Day0 = new(2024, 3, 1);

    private static ManualClock Clock() => ManualClock.At("2024-02-01T09:00:00Z");

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The Wang 2014 template under a site key, as a definition text with <paramref name="perKg"/> cells/kg.</summary>
    private static string SiteWang(decimal perKg = 1e6m)
    {
        var template = ProtocolTemplates.Wang2014();
        var component = template.Components[0] with { Dose = new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(perKg)) };
        return ProtocolDefinitions.ToJson(ProtocolDefinitions.FromTemplate(template with { Components = [component] }, "site_wang"));
    }

    private static IEnumerable<string> Codes(IEnumerable<Issue> issues) => issues.Select(i => i.Code);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Approve_Draft_SignedAndThenImmutable(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open(actor: "admin.wu", clock: Clock()))
        {
            var defined = await ProtocolVersions.DefineAsync(db, SiteWang(), null);
            defined.Succeeded.ShouldBeTrue(string.Join("; ", defined.Issues));
            var approved = await ProtocolVersions.ApproveAsync(db, "site_wang", 1, "approved");
            approved.Succeeded.ShouldBeTrue(string.Join("; ", approved.Issues));
            var again = await ProtocolVersions.ApproveAsync(db, "site_wang", 1, "approved");
            Codes(again.Issues).ShouldBe([IssueCodes.ProtocolVersionNotDraft]);
        }

        await using (var db = database.Open(actor: "someone"))
        {
            var row = await db.ProtocolVersions.SingleAsync();
            (row.Status, row.ApprovedBy, row.ApprovedAt, row.ApprovalMeaning).ShouldBe((ProtocolVersionStatus.Approved, "admin.wu", At("2024-02-01T09:00:00Z"), "approved"));
            row.DefinitionJson = row.DefinitionJson.Replace("1000000", "2000000", StringComparison.Ordinal);
            db.ChangeReason = "tampering";
            await Should.ThrowAsync<ApprovedProtocolVersionChangedException>(() => db.SaveChangesAsync());
        }

        await using (var db = database.Open(actor: "someone"))
        {
            var row = await db.ProtocolVersions.SingleAsync();
            db.MarkDeleted(row, "no longer wanted");
            await Should.ThrowAsync<ApprovedProtocolVersionChangedException>(() => db.SaveChangesAsync());
        }

        await using var read = database.Open();
        (await read.ProtocolVersions.SingleAsync()).DefinitionJson.ShouldContain("\"cellsPerKg\": 1000000");
        var audit = await read.AuditEntries.Where(a => a.Entity == nameof(ProtocolVersionRecord)).OrderBy(a => a.Sequence).ToListAsync();
        audit.Select(a => (a.Action, a.Field, a.UserName)).ShouldBe(
        [
            ("insert", "*", "admin.wu"),
            ("update", "ApprovalMeaning", "admin.wu"), ("update", "ApprovedAt", "admin.wu"), ("update", "ApprovedBy", "admin.wu"), ("update", "Status", "admin.wu"),
        ], ignoreOrder: true);
        audit[^1].Reason.ShouldBe("approved (e-signature: approved)");
    }

    /// <summary>
    /// <c>stroma import odm</c> restores a version as another registry stored it: the file's signature (not the importer's),
    /// the audit trail recording the import; the same version again is found, not written; and each rule a version met
    /// where it was defined and approved is applied (signature complete and not in the future, no signature on a draft,
    /// doses set, versions in order, a reason from version 2, never a template's key).
    /// </summary>
    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Restore_VersionAsStoredElsewhere_SignatureKeptAndRulesApplied(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "importer", clock: Clock());
        var signedAt = At("2024-01-10T08:30:00.1234567Z");
        var v1 = new StoredProtocolVersion("site_wang", 1, ProtocolVersionStatus.Approved, SiteWang(), null, "admin.li", signedAt, "approved");

        var restored = await ProtocolVersions.RestoreAsync(db, v1);
        restored.Issues.ShouldBeEmpty();
        restored.Value!.AlreadyHeld.ShouldBeFalse();
        var again = await ProtocolVersions.RestoreAsync(db, v1);
        (again.Issues.Count, again.Value!.AlreadyHeld).ShouldBe((0, true));
        var differs = await ProtocolVersions.RestoreAsync(db, v1 with { ApprovalMeaning = "reviewed" });
        Codes(differs.Issues).ShouldBe([IssueCodes.ProtocolVersionDiffers]);
        differs.Issues[0].Message.ShouldContain("approval signature");

        var unsetDoses = ProtocolDefinitions.ToJson(ProtocolDefinitions.FromTemplate(ProtocolTemplates.SeedCase2(), "site_case_2"));
        var refusals = new (StoredProtocolVersion Version, string Code)[]
        {
            (v1 with { Number = 3, ChangeReason = "later" }, IssueCodes.ProtocolFieldInvalid),
            (v1 with { Number = 2 }, IssueCodes.ProtocolChangeReasonMissing),
            (new("site_case_2", 1, ProtocolVersionStatus.Approved, unsetDoses, null, "admin.li", signedAt, "approved"), IssueCodes.ProtocolDoseNotSetAtApproval),
            (new("site_case_2", 1, ProtocolVersionStatus.Approved, unsetDoses.Replace("site_case_2", "site_case_3", StringComparison.Ordinal), null, "admin.li", signedAt, "approved"),
                IssueCodes.ProtocolFieldInvalid),
            (new("site_case_2", 1, ProtocolVersionStatus.Draft, unsetDoses, null, "admin.li", null, null), IssueCodes.ProtocolApprovalIncomplete),
            (new("site_case_2", 1, ProtocolVersionStatus.Approved, SiteWang().Replace("site_wang", "site_case_2", StringComparison.Ordinal), null, "admin.li", null, "approved"),
                IssueCodes.ProtocolApprovalIncomplete),
            (new("site_case_2", 1, ProtocolVersionStatus.Approved, SiteWang().Replace("site_wang", "site_case_2", StringComparison.Ordinal), null, "admin.li",
                At("2024-03-01T00:00:00Z"), "approved"), IssueCodes.ProtocolFieldInvalid),
            (new(ProtocolTemplates.SeedCase2Key, 1, ProtocolVersionStatus.Approved, unsetDoses, null, "admin.li", signedAt, "approved"), IssueCodes.ProtocolTemplateReadOnly),
        };
        foreach (var (version, code) in refusals)
        {
            var refused = await ProtocolVersions.RestoreAsync(db, version);
            Codes(refused.Issues).ShouldContain(code, $"{version.Key} {version.Number} {version.Status}");
            refused.Value.ShouldBeNull();
        }

        // A draft version 2 with its reason, after the approved version 1: accepted, unsigned.
        var draft = await ProtocolVersions.RestoreAsync(db, v1 with { Number = 2, Status = ProtocolVersionStatus.Draft, ChangeReason = "window widened", ApprovedBy = null, ApprovedAt = null, ApprovalMeaning = null });
        draft.Issues.ShouldBeEmpty();
        var draftAfterDraft = await ProtocolVersions.RestoreAsync(db, v1 with { Number = 3, Status = ProtocolVersionStatus.Draft, ChangeReason = "again", ApprovedBy = null, ApprovedAt = null, ApprovalMeaning = null });
        Codes(draftAfterDraft.Issues).ShouldBe([IssueCodes.ProtocolFieldInvalid]);

        await using var read = database.Open();
        var rows = await read.ProtocolVersions.OrderBy(v => v.Number).ToListAsync();
        rows.Select(r => (r.ProtocolKey, r.Number, r.Status, r.ApprovedBy, r.ApprovedAt, r.ApprovalMeaning, r.ChangeReason)).ShouldBe(
        [
            // Kept as the registry keeps every instant: whole microseconds.
            ("site_wang", 1, ProtocolVersionStatus.Approved, "admin.li", At("2024-01-10T08:30:00.123456Z"), "approved", null),
            ("site_wang", 2, ProtocolVersionStatus.Draft, null, null, null, "window widened"),
        ]);
        rows[0].DefinitionJson.ShouldBe(SiteWang());
        (await read.Protocols.CountAsync()).ShouldBe(1);
        var inserts = await read.AuditEntries.Where(a => a.Entity == nameof(ProtocolVersionRecord) && a.Action == "insert").OrderBy(a => a.Sequence).ToListAsync();
        inserts.Select(a => a.UserName).ShouldBe(["importer", "importer"]);
        inserts[0].Reason.ShouldBe("imported: site_wang version 1 as the source registry stored it (approved by admin.li at 2024-01-10T08:30:00.1234560+00:00: approved)");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task CopySeedCase2_DosesNotSet_ApprovalRefusedUntilTheSiteSetsThem(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "admin.wu", clock: Clock());

        var copy = await ProtocolVersions.CopyAsync(db, ProtocolTemplates.SeedCase2Key, "site_case_2", null, null);
        var refused = await ProtocolVersions.ApproveAsync(db, "site_case_2", 1, "approved");
        var template = await ProtocolVersions.ApproveAsync(db, ProtocolTemplates.SeedCase2Key, 1, "approved");
        var overTemplate = await ProtocolVersions.DefineAsync(db, ProtocolDefinitions.ToJson(ProtocolDefinitions.FromTemplate(ProtocolTemplates.Wang2014())), null);
        // Test doses only (the seed gives none): the site's choice, labelled so in the copy's notes.
        var doses = new Dictionary<string, DoseRule>
        {
            ["msc"] = new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)),
            ["nk"] = new DoseRule.Fixed(CellCount.Cells(1e8m)),
        };
        var revised = await ProtocolVersions.CopyAsync(db, ProtocolTemplates.SeedCase2Key, "site_case_2", doses, "doses set by the site");
        var approved = await ProtocolVersions.ApproveAsync(db, "site_case_2", 1, "approved");

        copy.Value!.Number.ShouldBe(1);
        refused.Issues.Select(i => (i.Code, i.Path)).ShouldBe([(IssueCodes.ProtocolDoseNotSetAtApproval, "components[0].dose"), (IssueCodes.ProtocolDoseNotSetAtApproval, "components[1].dose")]);
        refused.Issues[0].Message.ShouldContain("The dose of MSC (msc) is not set");
        Codes(template.Issues).ShouldBe([IssueCodes.ProtocolTemplateReadOnly]);
        Codes(overTemplate.Issues).ShouldBe([IssueCodes.ProtocolTemplateReadOnly]);
        revised.Value!.Number.ShouldBe(1);
        approved.Succeeded.ShouldBeTrue(string.Join("; ", approved.Issues));
        var (shown, _) = await ProtocolVersions.FindAsync(db, "site_case_2", null);
        shown!.Definition.UnsetDoses.ShouldBeEmpty();
        shown.Definition.Protocol.Notes.ShouldContain("SITE'S CHOICE: the NK cells dose 1×10^8 cells was set by the site when copying (not from the template's source).");
        shown.Definition.Protocol.Notes.ShouldNotContain(n => n.StartsWith("SITE MUST SET", StringComparison.Ordinal));
        (await db.ProtocolVersions.CountAsync()).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Define_NewVersionAfterApproval_NeedsAReasonAndBecomesVersion2(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open(actor: "admin.wu", clock: Clock());
        await ProtocolVersions.DefineAsync(db, SiteWang(), null);
        await ProtocolVersions.ApproveAsync(db, "site_wang", 1, "approved");

        var noReason = await ProtocolVersions.DefineAsync(db, SiteWang(2e6m), " ");
        var bad = await ProtocolVersions.DefineAsync(db, "key: [unclosed", "dose raised");
        var v2 = await ProtocolVersions.DefineAsync(db, SiteWang(2e6m), "dose raised to 2×10^6 cells/kg (DSMB 2024-05)");
        var (latestApproved, _) = await ProtocolVersions.FindAsync(db, "site_wang", null);
        var (latestAny, _) = await ProtocolVersions.FindAsync(db, "site_wang", null, includeDrafts: true);
        var (missing, notFound) = await ProtocolVersions.FindAsync(db, "site_wang", 9);

        Codes(noReason.Issues).ShouldBe([IssueCodes.ProtocolChangeReasonMissing]);
        Codes(bad.Issues).ShouldBe([IssueCodes.ProtocolUnreadable]);
        (v2.Value!.Number, v2.Value.Status, v2.Value.ChangeReason).ShouldBe((2, ProtocolVersionStatus.Draft, "dose raised to 2×10^6 cells/kg (DSMB 2024-05)"));
        latestApproved!.Number.ShouldBe(1);
        latestAny!.Number.ShouldBe(2);
        missing.ShouldBeNull();
        notFound!.Code.ShouldBe(IssueCodes.ProtocolVersionNotFound);
        var list = await ProtocolVersions.ListAsync(db);
        list.Select(v => (v.Key, v.Number, v.Status)).ShouldBe(
        [
            ("seed_case_1", 1, ProtocolVersionStatus.Approved), ("wang_2014", 1, ProtocolVersionStatus.Approved), ("seed_case_2", 1, ProtocolVersionStatus.Approved),
            ("car_t_sle", 1, ProtocolVersionStatus.Approved),
            ("site_wang", 1, ProtocolVersionStatus.Approved), ("site_wang", 2, ProtocolVersionStatus.Draft),
        ]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Infuse_EnrolledOnVersion2WithConsentToVersion1_RefusedUntilReconsent(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        var clock = Clock();
        await using var db = database.Open(actor: "coordinator", clock: clock);
        await ProtocolVersions.DefineAsync(db, SiteWang(), null);
        await ProtocolVersions.ApproveAsync(db, "site_wang", 1, "approved");
        await CellTherapyFixture.PatientAsync(db, "S01-001");
        await CellTherapyFixture.PatientAsync(db, "S01-002");
        await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("UC-0001", new DateOnly(2024, 1, 2), new DateOnly(2024, 12, 31)), At("2024-02-01T09:00:00Z"));

        // Enrolled a month ahead of day 0: consent and planning weight are from before today (2024-02-01), day 0 is planned.
        var draftOnly = await Enrolments.EnrolAsync(db, "S01-001", "site_wang", new EnrolmentRequest(Day0, ProtocolVersion: 2));
        var first = await Enrolments.EnrolAsync(db, "S01-001", "site_wang", new EnrolmentRequest(Day0, 58m, Day0.AddDays(-35), new ConsentRecord(Day0.AddDays(-35), "1")));
        await ProtocolVersions.DefineAsync(db, SiteWang(1.2e6m), "dose changed");
        var notApproved = await Enrolments.EnrolAsync(db, "S01-002", "site_wang", new EnrolmentRequest(Day0, ProtocolVersion: 2));
        await ProtocolVersions.ApproveAsync(db, "site_wang", 2, "approved");
        var second = await Enrolments.EnrolAsync(db, "S01-002", "site_wang", new EnrolmentRequest(Day0, 58m, Day0.AddDays(-35), new ConsentRecord(Day0.AddDays(-35), "1"), ProtocolVersion: 2));

        Codes(draftOnly.Issues).ShouldBe([IssueCodes.ProtocolVersionNotFound]);
        first.Value!.ProtocolVersion.ShouldBe("1");
        Codes(notApproved.Issues).ShouldBe([IssueCodes.ProtocolVersionNotApproved]);
        second.Value!.ProtocolVersion.ShouldBe("2");

        // The infusions are entered on the day they are given (an event in the future is refused, RET001).
        clock.Now = At("2024-03-01T03:00:00Z");
        var onVersion1 = await Infusions.RecordAsync(db, Infuse("S01-001", 5.8e7m));
        var mismatch = await Infusions.RecordAsync(db, Infuse("S01-002", 6.96e7m));
        onVersion1.Succeeded.ShouldBeTrue(string.Join("; ", onVersion1.Issues));
        Codes(mismatch.Issues).ShouldBe([IssueCodes.ConsentNotCurrent]);
        mismatch.Issues[0].Message.ShouldContain("consent is for protocol version 1, not 2");

        var sameVersion = await Enrolments.ReconsentAsync(db, "S01-002", "site_wang", 2, new DateOnly(2024, 1, 31));
        var moved = await Enrolments.ReconsentAsync(db, "S01-001", "site_wang", null, new DateOnly(2024, 2, 1));
        Codes(sameVersion.Issues).ShouldBe([IssueCodes.ProtocolReconsentNotNewer]);
        (moved.Value!.ProtocolVersion, moved.Value.ConsentProtocolVersion, moved.Value.ConsentSignedOn).ShouldBe(("2", "2", new DateOnly(2024, 2, 1)));

        // After re-consent the second administration is checked against version 2's dose (1.2×10^6 cells/kg × 58 kg).
        clock.Now = At("2024-03-08T03:00:00Z");
        var underVersion2 = await Infusions.RecordAsync(db, Infuse("S01-001", 6.96e7m, "administration_2", Day0.AddDays(7)));
        underVersion2.Succeeded.ShouldBeTrue(string.Join("; ", underVersion2.Issues));
        (await db.ScheduledEvents.CountAsync(e => e.EnrolmentId == moved.Value.Id)).ShouldBe(7);
        var reason = await db.AuditEntries.Where(a => a.Entity == nameof(ProtocolEnrolment) && a.Field == "ProtocolVersion").Select(a => a.Reason).SingleAsync();
        reason.ShouldBe("re-consent: site_wang version 1 to version 2");
    }

    private static InfusionRequest Infuse(string studyId, decimal dose, string eventKey = "administration_1", DateOnly? date = null)
    {
        var day = date ?? Day0;
        var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8));
        return new InfusionRequest(studyId, "UC-0001", eventKey, "msc", start, start.AddMinutes(40), dose, 58m, day,
            [new VitalSigns(start.AddMinutes(-15), 118m, 76m, 72m, 36.6m, 16m, 98m)],
            [new VitalSigns(start.AddMinutes(60), 120m, 78m, 74m, 36.8m, 16m, 98m)],
            [], []);
    }
}
