// Source: issue #15 "Source data verification" and docs/cli.md "stroma sdv": the acting --user, a monitor of the site,
// marks a visit verified; another site's monitor cannot; a later change clears the mark.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class SdvCommandTests
{
    private static CliRunner.Outcome Run(TestDatabase database, string user, params string[] args) =>
        CliRunner.Run("", [.. args, "--database", database.Configuration.ConnectionString, "--user", user]);

    private static async Task ArrangeAsync(TestDatabase database)
    {
        await using var db = database.Open(actor: "admin");
        var s1 = new Site { Id = Guid.NewGuid(), Code = "S1", Name = "Site 1" };
        var s2 = new Site { Id = Guid.NewGuid(), Code = "S2", Name = "Site 2" };
        var patient = new Patient { Id = Guid.NewGuid(), SiteId = s1.Id, StudyId = "S1-001", Sex = Stroma.Clinical.Labs.Sex.Female, BirthYear = 1985 };
        var visit = new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2024, 8, 1), Kind = VisitKind.Scheduled, Type = "month_6" };
        db.AddRange(s1, s2, patient, visit);
        foreach (var (name, site) in new[] { ("mon.s1", s1.Id), ("mon.s2", s2.Id) })
        {
            var user = new User { Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(), DisplayName = $"Monitor {name}" };
            db.Users.Add(user);
            db.Memberships.Add(new Membership { Id = Guid.NewGuid(), UserId = user.Id, SiteId = site, Role = SiteRole.Monitor, StartDate = new DateOnly(2020, 1, 1) });
        }

        await db.SaveChangesAsync();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task SdvMark_MonitorOfTheSite_MarkedListedOtherSiteRefused(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await ArrangeAsync(database);

        var otherSite = Run(database, "mon.s2", "sdv", "mark", "S1-001", "--visit", "2024-08-01");
        var marked = Run(database, "mon.s1", "sdv", "mark", "S1-001", "--visit", "2024-08-01");
        var again = Run(database, "mon.s1", "sdv", "mark", "S1-001", "--visit", "2024-08-01");
        var listed = Run(database, "mon.s1", "sdv", "list");
        var hidden = Run(database, "mon.s2", "sdv", "list");

        otherSite.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        otherSite.Error.ShouldContain("QLT010");
        marked.ExitCode.ShouldBe(ExitCodes.Ok, marked.Error);
        marked.Out.ShouldStartWith("S1-001 2024-08-01 whole visit verified: signed by Monitor mon.s1 (mon.s1) at ");
        again.ExitCode.ShouldBe(ExitCodes.InvalidInput);
        again.Error.ShouldContain("QLT011");
        listed.Out.ShouldContain("S1: 1 of 1 visit(s) verified");
        listed.Out.ShouldContain("S1-001       2024-08-01 month_6      (whole visit)        verified by mon.s1 at ");
        hidden.Out.ShouldContain("S2: 0 of 0 visit(s) verified");
        hidden.Out.ShouldNotContain("S1");
        await using var db = database.Open();
        (await db.SdvMarks.CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
    }
}
