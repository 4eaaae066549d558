// Source: issue #19 "No internal key or code reaches a person: ... visit types (`month_3`, `infusion_2`) ... all with
// names in English and Simplified Chinese from resources". The one table of visit-type names, read by the study report's
// "left out" footnote and by the web app (Words.VisitType).
using Shouldly;
using Stroma.Reporting;
using Stroma.Reporting.Localization;

namespace Stroma.Cli.Tests;

public sealed class VisitTypeNamesTests
{
    private static ReportLanguage Language(string code)
    {
        ReportLanguage.TryParse(code, out var language).ShouldBeTrue();
        return language;
    }

    [Theory]
    [InlineData("infusion_2", "en", "Infusion 2")]
    [InlineData("infusion_2", "zh-CN", "第2次输注")]
    [InlineData("month_12", "zh-CN", "第12个月")]
    [InlineData("day_1", "en", "Day 1")]
    [InlineData("baseline", "zh-CN", "基线")]
    [InlineData("leukapheresis", "en", "Leukapheresis")]
    [InlineData("leukapheresis", "zh-CN", "白细胞单采")]
    public void Name_NamedType_InTheLanguage(string type, string code, string expected)
    {
        VisitTypeNames.Name(type, Language(code)).ShouldBe(expected);
        VisitTypeNames.Find(type, Language(code)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("flare_review")]
    [InlineData("month_x")]
    public void Name_TypeWithoutName_AsTypedAndFindIsNull(string type)
    {
        foreach (var language in ReportLanguage.All)
        {
            VisitTypeNames.Name(type, language).ShouldBe(type);
            VisitTypeNames.Find(type, language).ShouldBeNull();
        }
    }

    [Fact]
    public void Name_Empty_IsEmpty() => VisitTypeNames.Name(null, ReportLanguage.English).ShouldBe("");
}
