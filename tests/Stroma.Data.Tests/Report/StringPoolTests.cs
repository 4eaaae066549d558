// The report keeps one instance of each distinct string a read returns (ReportSql.cs, StringPool): equal strings come
// back as the first instance seen, different ones as themselves.
using Shouldly;
using Stroma.Data.Report;

namespace Stroma.Data.Tests.Report;

public sealed class StringPoolTests
{
    [Fact]
    public void Get_EqualStringsFromSeparateReads_ReturnTheFirstInstance()
    {
        var pool = new StringPool();
        var first = new string("month_12".AsSpan());
        var second = new string("month_12".AsSpan());
        ReferenceEquals(first, second).ShouldBeFalse("two reads allocate two strings");

        ReferenceEquals(pool.Get(first), first).ShouldBeTrue();
        ReferenceEquals(pool.Get(second), first).ShouldBeTrue();
        pool.Get(new string("Month_12".AsSpan())).ShouldBe("Month_12", "compared ordinally: another case is another string");
        ReferenceEquals(pool.Get(new string("baseline".AsSpan())), first).ShouldBeFalse();
    }
}
