// Source: issue #14 "Retrospective entry" (future event times refused; an entry more than N days after its event,
// default 7, is entered late and needs a reason) and docs/cell-therapy.md "Retrospective entry".
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class LateEntryPolicyTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, false)]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(3411, true)]
    public void CheckDate_DaysBack_LateOnlyBeyondTheDefaultSevenDays(int daysBack, bool late)
    {
        var check = LateEntryPolicy.Default.Check("contact_date", Today.AddDays(-daysBack), Today, "from the paper file");

        Assert.Empty(check.Issues);
        Assert.Equal(late, check.EnteredLate);
        Assert.Equal(late ? "from the paper file" : null, check.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void CheckDate_LateWithoutReason_Ret002(string? reason)
    {
        var check = LateEntryPolicy.Default.Check("tested_on", new DateOnly(2017, 7, 1), Today, reason);

        var issue = Assert.Single(check.Issues);
        Assert.Equal((IssueCodes.LateEntryWithoutReason, "late_reason"), (issue.Code, issue.Path));
        Assert.Equal("tested_on 2017-07-01 is more than 7 days before today (2026-12-06): this is a late entry; give the reason for entering it late.", issue.Message);
        Assert.False(check.EnteredLate);
    }

    [Fact]
    public void CheckDate_Tomorrow_Ret001NamingFieldValueAndToday()
    {
        var issue = Assert.Single(LateEntryPolicy.Default.Check("onset", Today.AddDays(1), Today, null).Issues);

        Assert.Equal((IssueCodes.EventInFuture, "onset"), (issue.Code, issue.Path));
        Assert.Equal("onset 2026-12-07 is in the future (today is 2026-12-06): record an event once it has happened.", issue.Message);
    }

    [Fact]
    public void CheckInstant_OneMinuteAheadOrPastTheDays_RefusedOrLate()
    {
        var policy = new LateEntryPolicy(2);

        Assert.Equal(IssueCodes.EventInFuture, Assert.Single(policy.Check("start", Now.AddMinutes(1), Now, "x").Issues).Code);
        Assert.False(policy.Check("start", Now.AddDays(-2), Now, null).EnteredLate);
        Assert.Equal(IssueCodes.LateEntryWithoutReason, Assert.Single(policy.Check("start", Now.AddDays(-2).AddMinutes(-1), Now, null).Issues).Code);
        Assert.True(policy.Check("start", Now.AddDays(-2).AddMinutes(-1), Now, "chart").EnteredLate);
    }
}
