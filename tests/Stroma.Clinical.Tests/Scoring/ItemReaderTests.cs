using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class ItemReaderTests
{
    private static readonly IReadOnlyList<ItemDefinition> Items =
    [
        ItemDefinition.Number("dose", "Dose", "mg/day", 0m, 100m),
        ItemDefinition.Number("count", "Count", "whole", 0m, 10m, wholeNumber: true),
        ItemDefinition.Flag("flag", "Flag", "yes/no", required: true),
    ];

    [Theory]
    [InlineData("1,2")]
    [InlineData("1e1")]
    [InlineData("12 mg")]
    public void Number_TextThatIsNotAPlainDecimal_IsRefused(string text)
    {
        var reader = new ItemReader(new Dictionary<string, ItemValue> { ["dose"] = ItemValue.Of(text), ["flag"] = ItemValue.Of(true) }, Items);

        Assert.Null(reader.Number("dose"));
        Assert.Contains(reader.Issues, i => i.Code == IssueCodes.WrongType && i.Path == "dose");
    }

    [Theory]
    [InlineData("7.5", 7.5)]
    [InlineData(" -0 ", 0)]
    [InlineData("100", 100)]
    public void Number_PlainDecimalText_IsRead(string text, double expected)
    {
        var reader = new ItemReader(new Dictionary<string, ItemValue> { ["dose"] = ItemValue.Of(text) }, Items);

        Assert.Equal((decimal)expected, reader.Number("dose"));
    }

    [Theory]
    [InlineData("dose", 100.01)]
    [InlineData("dose", -0.01)]
    [InlineData("count", 2.5)]
    public void Number_OutOfRangeOrFractionalCount_IsOutOfRange(string key, double value)
    {
        var reader = new ItemReader(new Dictionary<string, ItemValue> { [key] = ItemValue.Of((decimal)value) }, Items);

        Assert.Null(reader.Number(key));
        Assert.Contains(reader.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == key);
    }

    [Fact]
    public void Flag_RequiredButMissing_IsMissingItem()
    {
        var reader = new ItemReader(new Dictionary<string, ItemValue>(), Items);

        Assert.Null(reader.OptionalFlag("flag"));
        Assert.Contains(reader.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "flag");
    }
}
