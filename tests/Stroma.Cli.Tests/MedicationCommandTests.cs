// Source: issue #16 "A signature must lock everything recorded under the visit (... medications ...)" and docs/cli.md
// "stroma medication": a golden transcript of the help, a course recorded at a visit, the refusals (bad dose, a signed
// visit), the stop of the running course and the list. The drugs and doses are test values, not a regimen.
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Model;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class MedicationCommandTests
{
    [Fact]
    public async Task Medication_HelpAddStopListAndRefusals_MatchGoldenTranscript()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        var clock = ManualClock.At("2026-11-25T09:00:00Z");
        await using (var db = database.Open(actor: "admin"))
        {
            var site = new Site { Id = Guid.NewGuid(), Code = "S1", Name = "Site 1" };
            var patient = new Patient { Id = Guid.NewGuid(), SiteId = site.Id, StudyId = "S1-001", Sex = Stroma.Clinical.Labs.Sex.Female, BirthYear = 1985 };
            db.AddRange(site, patient,
                new Visit { Id = Guid.NewGuid(), PatientId = patient.Id, VisitDate = new DateOnly(2026, 8, 1), Kind = VisitKind.Scheduled, Type = "month_6" },
                new Visit
                {
                    Id = Guid.NewGuid(),
                    PatientId = patient.Id,
                    VisitDate = new DateOnly(2026, 5, 1),
                    Kind = VisitKind.Scheduled,
                    Type = "month_3",
                    SignedBy = "inv.s1",
                    SignedByName = "Dr Investigator",
                    SignedAt = new DateTimeOffset(2026, 5, 2, 8, 0, 0, TimeSpan.Zero),
                    SignatureMeaning = "I confirm that the data recorded for this visit are accurate and complete.",
                });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        var text = new System.Text.StringBuilder();
        int Run(params string[] args)
        {
            var outcome = CliRunner.RunAt(clock, "", args.Contains("--help") ? args : [.. args, "--database", database.Configuration.ConnectionString, "--user", "coord.s1"]);
            text.Append("$ stroma ").AppendJoin(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)).Append('\n').Append(outcome.Out);
            foreach (var line in outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("! ").Append(line).Append('\n');
            }

            text.Append("exit ").Append(outcome.ExitCode).Append("\n\n");
            return outcome.ExitCode;
        }

        Run("medication", "add", "--help").ShouldBe(ExitCodes.Ok);
        Run("medication", "add", "S1-001", "--visit", "2026-08-01", "--drug", "prednisone", "--class", "glucocorticoid", "--dose", "10", "--unit", "mg",
            "--frequency", "daily", "--prednisone-equivalent", "10", "--start", "2026-08-01").ShouldBe(ExitCodes.Ok);
        Run("medication", "add", "S1-001", "--visit", "2026-08-01", "--drug", "hydroxychloroquine", "--class", "antimalarial", "--dose", "-200",
            "--start", "2026-08-01", "--stop", "2026-07-01").ShouldBe(ExitCodes.InvalidInput);
        Run("medication", "add", "S1-001", "--visit", "2026-05-01", "--drug", "mycophenolate mofetil", "--class", "immunosuppressant", "--dose", "1.5", "--unit", "g",
            "--start", "2026-05-01").ShouldBe(ExitCodes.InvalidInput);
        Run("medication", "add", "S1-001", "--visit", "2026-08-01", "--drug", "prednisone", "--class", "steroid", "--start", "2026-08-01").ShouldBe(ExitCodes.Usage);
        Run("medication", "stop", "S1-001", "--drug", "prednisone", "--stop", "2026-10-01", "--reason", "tapered off").ShouldBe(ExitCodes.Ok);
        Run("medication", "stop", "S1-001", "--drug", "prednisone", "--stop", "2026-10-02").ShouldBe(ExitCodes.InvalidInput);
        Run("medication", "list", "S1-001").ShouldBe(ExitCodes.Ok);

        Golden.Verify(text.ToString().Replace(database.Configuration.Describe(), "<database>", StringComparison.Ordinal), "medication", "txt");
    }
}
