// Source: issue #6 (custody events: released, shipped, received, thawed, prepared, administered, returned,
// discarded; temperature excursions flagged). Temperature ranges here are test inputs, not recommendations.
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.CellTherapy;

public class ChainOfCustodyTests
{
    private static readonly DateTimeOffset T0 = new(2017, 8, 3, 8, 0, 0, TimeSpan.Zero);

    private static CustodyEvent At(CustodyEventKind kind, int hours, decimal? celsius = null, string place = "Site A", string person = "user.1") =>
        new(kind, T0.AddHours(hours), place, person, celsius);

    private static readonly CustodyRules Rules = new(new Dictionary<CustodyEventKind, TemperatureRange>
    {
        [CustodyEventKind.Shipped] = new(-196m, -150m),
        [CustodyEventKind.Received] = new(-196m, -150m),
        [CustodyEventKind.Thawed] = new(2m, 37m),
    });

    /// <summary>A lot's full custody history for case 1's first infusion: released at the GMP site, shipped in a dry
    /// shipper, received and thawed at the clinic, prepared, administered.</summary>
    private static List<CustodyEvent> FullHistory() =>
    [
        At(CustodyEventKind.Released, 0, place: "Site A GMP facility", person: "qa.li"),
        At(CustodyEventKind.Shipped, 2, -180m, "Site A GMP facility", "courier.wang"),
        At(CustodyEventKind.Received, 20, -175m, "Clinic B cell lab", "tech.zhao"),
        At(CustodyEventKind.Thawed, 24, 37m, "Clinic B cell lab", "tech.zhao"),
        At(CustodyEventKind.Prepared, 25, place: "Clinic B cell lab", person: "tech.zhao"),
        At(CustodyEventKind.Administered, 26, place: "Clinic B ward 3", person: "nurse.chen"),
    ];

    [Fact]
    public void Validate_FullHistory_HasNoIssues()
    {
        Assert.Empty(ChainOfCustody.Validate(FullHistory(), StorageCondition.Cryopreserved, Rules));
    }

    [Fact]
    public void Validate_ReturnedThenDiscarded_IsAllowed()
    {
        List<CustodyEvent> events =
        [
            At(CustodyEventKind.Released, 0), At(CustodyEventKind.Shipped, 1), At(CustodyEventKind.Received, 2),
            At(CustodyEventKind.Returned, 3), At(CustodyEventKind.Discarded, 4),
        ];

        Assert.Empty(ChainOfCustody.Validate(events, StorageCondition.Cryopreserved, Rules));
    }

    [Fact]
    public void Validate_AdministeredBeforeReceived_IsAnIssue()
    {
        List<CustodyEvent> events =
        [
            At(CustodyEventKind.Released, 0), At(CustodyEventKind.Shipped, 1), At(CustodyEventKind.Administered, 2), At(CustodyEventKind.Received, 3),
        ];

        var issues = ChainOfCustody.Validate(events, StorageCondition.Fresh, Rules);

        Assert.Contains(issues, i => i.Code == IssueCodes.CustodyTransitionNotAllowed && i.Path == "events[2]" && i.Message.Contains("after shipped", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Code == IssueCodes.CustodyAfterEnd && i.Path == "events[3]");
    }

    [Fact]
    public void Validate_FirstEventNotRelease_IsAnIssue()
    {
        var issues = ChainOfCustody.Validate([At(CustodyEventKind.Shipped, 0)], StorageCondition.Fresh, Rules);

        Assert.Equal(IssueCodes.CustodyTransitionNotAllowed, Assert.Single(issues).Code);
    }

    [Fact]
    public void Validate_TimeGoingBackwards_IsAnIssue()
    {
        var events = FullHistory();
        events[2] = events[2] with { At = T0.AddHours(1) }; // received before it was shipped

        var issues = ChainOfCustody.Validate(events, StorageCondition.Cryopreserved, Rules);

        Assert.Equal(IssueCodes.CustodyOutOfOrder, Assert.Single(issues).Code);
    }

    [Fact]
    public void Validate_CryopreservedAdministeredWithoutThaw_IsAnIssue()
    {
        var events = FullHistory();
        events.RemoveAt(3);

        var issues = ChainOfCustody.Validate(events, StorageCondition.Cryopreserved, Rules);

        Assert.Equal(IssueCodes.CustodyNotThawed, Assert.Single(issues).Code);
    }

    [Fact]
    public void Validate_FreshProductThawed_IsAnIssue()
    {
        var issues = ChainOfCustody.Validate(FullHistory(), StorageCondition.Fresh, CustodyRules.NoTemperatureChecks);

        Assert.Equal(IssueCodes.CustodyTransitionNotAllowed, Assert.Single(issues).Code);
    }

    [Fact]
    public void Validate_TemperatureOutsideRange_IsFlaggedAsWarning()
    {
        var events = FullHistory();
        events[2] = events[2] with { TemperatureCelsius = -120m };

        var issue = Assert.Single(ChainOfCustody.Validate(events, StorageCondition.Cryopreserved, Rules));

        Assert.Equal(IssueCodes.CustodyTemperatureExcursion, issue.Code);
        Assert.Equal(Severity.Warning, issue.Severity);
        Assert.Contains("-120 °C is outside -196 to -150 °C", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TemperatureAtRangeLimit_IsNotAnExcursion()
    {
        var events = FullHistory();
        events[2] = events[2] with { TemperatureCelsius = -150m };

        Assert.Empty(ChainOfCustody.Validate(events, StorageCondition.Cryopreserved, Rules));
    }

    [Fact]
    public void Validate_MissingPersonOrPlace_IsAnIssue()
    {
        var events = FullHistory();
        events[1] = events[1] with { Person = "" };

        Assert.Equal(IssueCodes.CustodyMissingPlaceOrPerson, Assert.Single(ChainOfCustody.Validate(events, StorageCondition.Cryopreserved, Rules)).Code);
    }

    [Fact]
    public void Validate_EventAfterDiscard_IsAnIssue()
    {
        List<CustodyEvent> events = [At(CustodyEventKind.Released, 0), At(CustodyEventKind.Discarded, 1), At(CustodyEventKind.Shipped, 2)];

        Assert.Equal(IssueCodes.CustodyAfterEnd, Assert.Single(ChainOfCustody.Validate(events, StorageCondition.Fresh, Rules)).Code);
    }
}
