using System.Reflection;
using Stroma.Clinical.Issues;

namespace Stroma.Clinical.Tests.Issues;

public class IssueCodesTests
{
    private static IReadOnlyList<(string Name, string Code)> AllCodes() =>
        [.. typeof(IssueCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, (string)f.GetRawConstantValue()!))];

    [Fact]
    public void Codes_AreUnique()
    {
        var duplicates = AllCodes().GroupBy(c => c.Code).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Name))}").ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Codes_HaveStableShape()
    {
        Assert.All(AllCodes(), c => Assert.Matches("^[A-Z]{3,4}[0-9]{3}$", c.Code));
    }

    [Fact]
    public void Codes_AreEachDocumented()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "issue-codes.md"));
        var undocumented = AllCodes().Where(c => !docs.Contains($"`{c.Code}`", StringComparison.Ordinal)).Select(c => c.Code).ToList();
        Assert.Empty(undocumented);
    }
}
