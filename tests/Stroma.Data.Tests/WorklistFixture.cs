#pragma warning disable xUnit1051 // Short single-database tests: cancellation goes through the per-test database, not each call.
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Tests;

/// <summary>The registry the worklist tests read (Data and CLI): four patients on Wang 2014 at two sites.</summary>
public static class WorklistFixture
{
    /// <summary>The day the tests ask for the worklist (and the clock's date).</summary>
    public static readonly DateOnly AsOf = new(2024, 3, 9);

    public static ManualClock Clock() => ManualClock.At("2024-03-09T09:00:00Z");

    private static async Task EnrolAsync(StromaDbContext db, string studyId, DateOnly day0, string site = "S01")
    {
        await CellTherapyFixture.PatientAsync(db, studyId, site);
        var enrolled = await Enrolments.EnrolAsync(db, studyId, ProtocolTemplates.Wang2014Key,
            new EnrolmentRequest(day0, 58m, day0, new ConsentRecord(day0.AddDays(-10), "1")));
        enrolled.Succeeded.ShouldBeTrue(string.Join("; ", enrolled.Issues));
    }

    /// <summary>
    /// S01-001 (day 0 2024-03-01, first infusion given), S01-002 (day 0 = as-of date), S01-003 (day 0 2024-02-01,
    /// month 1 fulfilled by a contact, nothing else), and S02-001 at another site (day 0 2024-03-01, nothing done).
    /// </summary>
    public static async Task ArrangeAsync(StromaDbContext db)
    {
        await CellTherapyFixture.ReleasedLotAsync(db, CellTherapyFixture.Lot("UC-0001", new DateOnly(2024, 1, 2), new DateOnly(2024, 12, 31)),
            DateTimeOffset.Parse("2024-02-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await EnrolAsync(db, "S01-001", new DateOnly(2024, 3, 1));
        await EnrolAsync(db, "S01-002", AsOf);
        await EnrolAsync(db, "S01-003", new DateOnly(2024, 2, 1));
        await EnrolAsync(db, "S02-001", new DateOnly(2024, 3, 1), "S02");
        var start = new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));
        var infused = await Infusions.RecordAsync(db, new InfusionRequest("S01-001", "UC-0001", "administration_1", "msc", start, start.AddMinutes(40),
            5.8e7m, 58m, new DateOnly(2024, 3, 1), [], [], [], [], LateEntryReason: "entered from the paper record"));
        infused.Succeeded.ShouldBeTrue(string.Join("; ", infused.Issues));
        var contact = await FollowUps.RecordAsync(db, new FollowUpRequest("S01-003", new DateOnly(2024, 3, 1), ContactMode.PhoneCall,
            ReportedChange.Better, ReportedChange.NotAsked, ReportedChange.NotAsked, ReportedChange.NotAsked, false, EventKey: "month_1", LateEntryReason: "entered from the paper record"));
        contact.Succeeded.ShouldBeTrue(string.Join("; ", contact.Issues));
    }

}
