using Stroma.Clinical.Outcomes;

namespace Stroma.Clinical.Tests.Outcomes;

public class TimeToStateTests
{
    private static readonly DateOnly Start = new(2014, 1, 10);

    [Fact]
    public void First_StateMet_IsAnEventAtTheFirstSuchVisit()
    {
        var result = TimeToState.First(Start, [(Start.AddDays(90), false), (Start.AddDays(182), true), (Start.AddDays(273), true)]);

        Assert.Equal(new TimeToEvent(true, 182, Start.AddDays(182)), result);
    }

    [Fact]
    public void First_NeverMet_IsCensoredAtTheLastAssessedVisit()
    {
        var result = TimeToState.First(Start, [(Start.AddDays(90), false), (Start.AddDays(182), null), (Start.AddDays(-5), true)]);

        Assert.Equal(new TimeToEvent(false, 90, Start.AddDays(90)), result);
    }
}
