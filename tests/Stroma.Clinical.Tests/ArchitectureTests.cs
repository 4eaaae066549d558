using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests;

public class ArchitectureTests
{
    [Fact]
    public void ClinicalAssembly_ReferencesOnlyTheBaseLibrary()
    {
        var forbidden = typeof(Sledai2k).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib"))
            .ToList();
        Assert.Empty(forbidden);
    }

    [Fact]
    public void Instruments_HaveUniqueSnakeCaseKeys()
    {
        foreach (var instrument in InstrumentCatalog.All)
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", instrument.Key);
            var keys = instrument.Items.Select(i => i.Key).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count());
            Assert.All(keys, k => Assert.Matches("^[a-z][a-z0-9_]*$", k));
            Assert.DoesNotContain("id", keys);
        }

        Assert.Equal(InstrumentCatalog.All.Count, InstrumentCatalog.All.Select(i => i.Key).Distinct().Count());
    }

    [Fact]
    public void Instruments_AreEachDocumentedWithEveryItemKey()
    {
        foreach (var instrument in InstrumentCatalog.All)
        {
            var path = Path.Combine(RepositoryRoot.Path, "docs", "instruments", instrument.Key + ".md");
            Assert.True(File.Exists(path), $"{path} is missing");
            var doc = File.ReadAllText(path);
            Assert.All(instrument.Items, item => Assert.Contains($"`{item.Key}`", doc, StringComparison.Ordinal));
        }
    }
}
