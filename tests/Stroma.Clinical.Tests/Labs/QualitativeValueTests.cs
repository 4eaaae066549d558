// Source: dipstick grades (negative, trace, 1+ to 4+) and end-point titres as labs report them (issue #4).
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Tests.Labs;

public class QualitativeValueTests
{
    private static QualitativeValue P(QualitativeScale scale, string text) => QualitativeValue.Parse(scale, text)!.Value;

    [Fact]
    public void Dipstick_GradesAreOrdered()
    {
        string[] ordered = ["negative", "trace", "1+", "2+", "3+", "4+"];
        var values = ordered.Select(t => P(QualitativeScale.Dipstick, t)).ToList();

        for (var i = 1; i < values.Count; i++)
        {
            Assert.True(values[i - 1] < values[i], $"{ordered[i - 1]} < {ordered[i]}");
        }
    }

    [Theory]
    [InlineData("neg", "negative")]
    [InlineData("阴性", "negative")]
    [InlineData("±", "trace")]
    [InlineData("+", "1+")]
    [InlineData("++", "2+")]
    [InlineData("+++", "3+")]
    [InlineData("++++", "4+")]
    [InlineData(" 2+ ", "2+")]
    public void Dipstick_Spellings_ReadAsTheSameGrade(string text, string label) =>
        Assert.Equal(label, P(QualitativeScale.Dipstick, text).Label);

    [Fact]
    public void Titre_OrderedByDilution()
    {
        string[] ordered = ["<1:40", "1:40", "1:80", "<1:160", "1:160", "1:320", ">1:320", "1:640", "1:1280"];
        var values = ordered.Select(t => P(QualitativeScale.Titre, t)).ToList();

        for (var i = 1; i < values.Count; i++)
        {
            Assert.True(values[i - 1] < values[i], $"{ordered[i - 1]} < {ordered[i]}");
        }

        Assert.Equal(QualitativeValue.TitreOf(320), P(QualitativeScale.Titre, "1:320"));
    }

    [Fact]
    public void PositiveNegative_PositiveIsHigher()
    {
        Assert.True(P(QualitativeScale.PositiveNegative, "positive") > P(QualitativeScale.PositiveNegative, "negative"));
        Assert.Equal("positive", P(QualitativeScale.PositiveNegative, "阳性").Label);
    }

    [Theory]
    [InlineData(QualitativeScale.Dipstick, "5+")]
    [InlineData(QualitativeScale.Dipstick, "positive")]
    [InlineData(QualitativeScale.Titre, "320")]
    [InlineData(QualitativeScale.Titre, "1:0")]
    [InlineData(QualitativeScale.Titre, "1:abc")]
    [InlineData(QualitativeScale.PositiveNegative, "maybe")]
    [InlineData(QualitativeScale.Dipstick, "")]
    public void Parse_TextNotOnTheScale_IsNull(QualitativeScale scale, string text) =>
        Assert.Null(QualitativeValue.Parse(scale, text));

    [Fact]
    public void Compare_AcrossScales_Throws()
    {
        var dipstick = P(QualitativeScale.Dipstick, "1+");
        var titre = P(QualitativeScale.Titre, "1:80");

        Assert.Throws<ArgumentException>(() => dipstick < titre);
        Assert.Throws<ArgumentException>(() => P(QualitativeScale.Nominal, "speckled") < P(QualitativeScale.Nominal, "homogeneous"));
    }
}
