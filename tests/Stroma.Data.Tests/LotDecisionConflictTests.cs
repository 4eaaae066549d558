// Source: issue #21 "Reliability": two QA users releasing and rejecting the same lot at once; the one who loses must be
// told that the lot was decided meanwhile, and by whom (not an unexpected DbUpdateConcurrencyException).
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Audit;
using Stroma.Data.CellTherapy;

namespace Stroma.Data.Tests;

public sealed class LotDecisionConflictTests
{
    private static readonly DateOnly Made = new(2024, 1, 2);
    private static readonly DateOnly Expires = new(2024, 12, 31);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task ArrangeTestedLotAsync(TestDatabase database)
    {
        await using var db = database.Open("qa.lee", ManualClock.At("2024-02-01T08:00:00Z"));
        (await CellTherapyFixture.RegisterAsync(db, CellTherapyFixture.Lot("UC-0001", Made, Expires), cancellationToken: Token)).Succeeded.ShouldBeTrue();
        (await Lots.RecordTestsAsync(db, "UC-0001", CellTherapyFixture.PassingResults(), new DateOnly(2024, 1, 20), CellTherapyFixture.History, Token)).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task DecideAsync_LotDecidedBetweenReadAndSave_RefusedWithWhoDecidedAndNothingWritten(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await ArrangeTestedLotAsync(database);
        await using var late = database.Open("qa.kim", ManualClock.At("2024-02-01T09:05:00Z"));
        // qa.kim has the lot open (in quarantine) ...
        (await late.CellLots.SingleAsync(l => l.LotNumber == "UC-0001", Token)).Status.ShouldBe(LotStatus.Quarantine);

        // ... while qa.lee releases it.
        await using (var first = database.Open("qa.lee", ManualClock.At("2024-02-01T09:00:00Z")))
        {
            var released = await Lots.DecideAsync(first, "UC-0001", CellTherapyFixture.TestSpecification,
                new ReleaseDecision(ReleaseVerdict.Release, "qa.lee", At("2024-02-01T09:00:00Z"), "QA release for clinical use"), cancellationToken: Token);
            released.Succeeded.ShouldBeTrue(string.Join("; ", released.Issues));
        }

        var rejected = await Lots.DecideAsync(late, "UC-0001", CellTherapyFixture.TestSpecification,
            new ReleaseDecision(ReleaseVerdict.Reject, "qa.kim", At("2024-02-01T09:05:00Z"), "QA rejection", "viability trend"), cancellationToken: Token);

        rejected.Succeeded.ShouldBeFalse();
        var issue = rejected.Issues.ShouldHaveSingleItem();
        issue.Code.ShouldBe(IssueCodes.DecidedMeanwhile);
        issue.Message.ShouldBe("Lot UC-0001 was decided meanwhile: released: signed by qa.lee at 2024-02-01 09:00Z (QA release for clinical use); "
            + "this decision was not saved. Look at the lot again (stroma trace lot UC-0001) before deciding.");
        await using var read = database.Open();
        (await read.CellLots.SingleAsync(Token)).Status.ShouldBe(LotStatus.Released);
        (await read.LotDecisions.CountAsync(Token)).ShouldBe(1);
        (await AuditChain.VerifyAsync(read, Token)).IsIntact.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task DecideAsync_LotAlreadyReleased_RefusalSaysWhoReleasedIt(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await ArrangeTestedLotAsync(database);
        await using (var first = database.Open("qa.lee", ManualClock.At("2024-02-01T09:00:00Z")))
        {
            (await Lots.DecideAsync(first, "UC-0001", CellTherapyFixture.TestSpecification,
                new ReleaseDecision(ReleaseVerdict.Release, "qa.lee", At("2024-02-01T09:00:00Z"), "QA release for clinical use"), cancellationToken: Token)).Succeeded.ShouldBeTrue();
        }

        await using var second = database.Open("qa.kim", ManualClock.At("2024-02-01T09:05:00Z"));
        var rejected = await Lots.DecideAsync(second, "UC-0001", CellTherapyFixture.TestSpecification,
            new ReleaseDecision(ReleaseVerdict.Reject, "qa.kim", At("2024-02-01T09:05:00Z"), "QA rejection", "viability trend"), cancellationToken: Token);

        rejected.Succeeded.ShouldBeFalse();
        rejected.Issues.Select(i => i.Code).ShouldBe([IssueCodes.LotNotInQuarantine, IssueCodes.AlreadyDecided]);
        rejected.Issues[1].Message.ShouldBe("Lot UC-0001 was released: signed by qa.lee at 2024-02-01 09:00Z (QA release for clinical use).");
    }
}
