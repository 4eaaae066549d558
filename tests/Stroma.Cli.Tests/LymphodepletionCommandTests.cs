// Source: issue #20 "CAR-T in lupus" (stroma lymphodepletion, stroma lymphodepletion-correct) and docs/cell-therapy.md
// "The lymphodepletion given". A golden transcript on the demo registry (its CAR-T protocol s2_car_t_sle, demo hospital
// B's copy of car_t_sle with fludarabine 25 mg/m² on days -5 to -3 and cyclophosphamide 1000 mg/m² on day -3, the DEMO
// site's choice): the help of both commands, a new patient enrolled and her course recorded (160 cm, 60 kg: Mosteller
// √(160 × 60 / 3600) = 1.6330 m²; 25 × 1.6330 = 40.83 mg, 1000 × 1.6330 = 1633 mg; corrected to 30 mg/m²: 48.99 mg), a correction with its reason, and
// the refusals (no reason, recorded twice). The doses are test values, not a regimen.
using Shouldly;
using Stroma.Cli.Io;
using Stroma.Data;
using Stroma.Data.Tests;

namespace Stroma.Cli.Tests;

public sealed class LymphodepletionCommandTests
{
    [Fact]
    public async Task Lymphodepletion_HelpRecordCorrectAndRefusals_MatchGoldenTranscript()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        var clock = ManualClock.At("2026-11-25T09:00:00Z");
        var text = new System.Text.StringBuilder();
        int Run(params string[] args)
        {
            var outcome = CliRunner.RunAt(clock, "", args.Contains("--help") ? args : [.. args, "--database", database.Configuration.ConnectionString, "--user", "nurse.li"]);
            text.Append("$ stroma ").AppendJoin(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)).Append('\n').Append(outcome.Out);
            foreach (var line in outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append("! ").Append(line).Append('\n');
            }

            text.Append("exit ").Append(outcome.ExitCode).Append("\n\n");
            return outcome.ExitCode;
        }

        CliRunner.RunAt(clock, "", "demo", "--patients", "0", "--database", database.Configuration.ConnectionString, "--user", "demo").ExitCode.ShouldBe(ExitCodes.Ok);
        Run("lymphodepletion", "--help").ShouldBe(ExitCodes.Ok);
        Run("lymphodepletion-correct", "--help").ShouldBe(ExitCodes.Ok);
        Run("patient", "register", "S2-CART-9", "--site", "S2", "--sex", "female", "--birth-year", "1994", "--consent-version", "1", "--consent-date", "2026-11-01").ShouldBe(ExitCodes.Ok);
        Run("enrol", "S2-CART-9", "--protocol", "s2_car_t_sle", "--start", "2026-11-24", "--weight", "60", "--weighed", "2026-11-10", "--consent-signed", "2026-11-01").ShouldBe(ExitCodes.Ok);
        Run("lymphodepletion", "S2-CART-9", "--height", "160", "--weight", "60", "--measured", "2026-11-10",
            "--drug", "fludarabine=25@-5,-4,-3", "--drug", "cyclophosphamide=1000@-3").ShouldBe(ExitCodes.Ok);
        Run("lymphodepletion", "S2-CART-9", "--height", "160", "--weight", "60", "--measured", "2026-11-10", "--drug", "cyclophosphamide=1000@-3").ShouldBe(ExitCodes.InvalidInput);
        Run("lymphodepletion-correct", "S2-CART-9", "--drug", "fludarabine", "--dose", "30").ShouldBe(ExitCodes.InvalidInput);
        Run("lymphodepletion-correct", "S2-CART-9", "--drug", "fludarabine", "--dose", "30", "--reason", "transcription error: the chart says 30 mg/m²").ShouldBe(ExitCodes.Ok);
        Run("lymphodepletion-correct", "S2-CART-9", "--drug", "busulfan", "--dose", "3", "--reason", "typo").ShouldBe(ExitCodes.InvalidInput);

        Golden.Verify(text.ToString().Replace(database.Configuration.Describe(), "<database>", StringComparison.Ordinal), "lymphodepletion", "txt");
    }
}
