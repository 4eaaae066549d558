// Source: issue #8 (the timeline's trend charts, drawn on the server, infusions on the shared time axis) and issue #19
// (the timeline's speed under load): a chart's SVG content is written once, exactly as laid out.
using System.Xml.Linq;
using Stroma.Web.Features.Patients;

namespace Stroma.Web.Tests.Patients;

public sealed class TrendChartTests
{
    /// <summary>
    /// Two values over ten days (the second flagged), one infusion inside the span and one after it: the layout worked by
    /// hand. x = 56 + 532 × day / 10 (plot from 56 to 588), y = 116 − 106 × value / 4 (axis from 0 to the highest value, 4).
    /// </summary>
    [Fact]
    public void Markup_TwoValuesOneInfusion_LaidOutOnTheSharedAxis()
    {
        var chart = TrendChart.Create(
            [(new DateOnly(2024, 1, 6), 4m, true), (new DateOnly(2024, 1, 1), 2m, false)],
            [new DateOnly(2024, 1, 3), new DateOnly(2024, 2, 1)],
            new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 11));

        chart.Markup.ShouldBe(
            "<line class=\"axis\" x1=\"56\" y1=\"116\" x2=\"588\" y2=\"116\" />"
            + "<line class=\"axis\" x1=\"56\" y1=\"10\" x2=\"56\" y2=\"116\" />"
            + "<text class=\"tick\" x=\"4\" y=\"18\">4</text>"
            + "<text class=\"tick\" x=\"4\" y=\"116\">0</text>"
            + "<text class=\"tick\" x=\"56\" y=\"134\">2024-01-01</text>"
            + "<text class=\"tick end\" x=\"588\" y=\"134\">2024-01-11</text>"
            + "<line class=\"infusion\" x1=\"162.4\" y1=\"10\" x2=\"162.4\" y2=\"116\"><title>2024-01-03</title></line>"
            + "<polyline class=\"series\" points=\"56,63 322,10\" />"
            + "<circle class=\"point\" cx=\"56\" cy=\"63\" r=\"3\"><title>2024-01-01: 2</title></circle>"
            + "<circle class=\"point flagged\" cx=\"322\" cy=\"10\" r=\"3\"><title>2024-01-06: 4</title></circle>");
        chart.Markup.ShouldBeSameAs(chart.Markup);
        XElement.Parse($"<svg>{chart.Markup}</svg>").Elements("circle").Count().ShouldBe(2);
    }

    /// <summary>A value's scale is kept as the laboratory reported it (2.50, not 2.5), and negative values move the axis down.</summary>
    [Fact]
    public void Markup_NegativeAndScaledValues_AxisFromTheLowestValue()
    {
        var chart = TrendChart.Create([(new DateOnly(2024, 1, 1), -1.5m, false), (new DateOnly(2024, 1, 2), 2.50m, false)], [],
            new DateOnly(2024, 1, 1), new DateOnly(2024, 1, 2));

        chart.Markup.ShouldContain("<text class=\"tick\" x=\"4\" y=\"116\">-1.5</text>");
        chart.Markup.ShouldContain("<title>2024-01-02: 2.50</title>");
        chart.Markup.ShouldNotContain("class=\"infusion\"");
    }
}
