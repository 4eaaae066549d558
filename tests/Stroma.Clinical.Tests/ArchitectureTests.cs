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
    public void Repository_TextFiles_CiteNothingOutsideTheRepository()
    {
        // Issue #23: the repository stands alone; sources are cited by publication and copied into docs/sources/.
        string[] outside = ["../" + "shared/", "/work/" + "shared", "shared/" + "reference", "shared/" + "STACK"];
        string[] roots = ["src", "tests", "docs", "bench"];
        string[] rootFiles = ["README.md", "Directory.Packages.props", "Directory.Build.props"];
        var files = roots.SelectMany(r => Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, r), "*", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "TestResults"))
            .Where(f => Path.GetExtension(f) is ".cs" or ".md" or ".resx" or ".cshtml" or ".csproj" or ".props" or ".json" or ".sh" or ".txt")
            .Concat(rootFiles.Select(f => Path.Combine(RepositoryRoot.Path, f)))
            .ToList();
        Assert.NotEmpty(files);
        var offenders = files.Where(f => outside.Any(o => File.ReadAllText(f).Contains(o, StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f)).ToList();
        Assert.Empty(offenders);
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
