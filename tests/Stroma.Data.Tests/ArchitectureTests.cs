// Source: issue #23 "One owner per concept": the report's renderers (charts, PDF) live in Stroma.Reporting so that the
// data layer carries no graphics or PDF dependency (dependencies point one way: Clinical ← Data ← Reporting ← {Web, Cli}).
// The same kind of reflection test guards Stroma.Clinical (tests/Stroma.Clinical.Tests/ArchitectureTests.cs).
using Shouldly;
using Stroma.Data.Report;

namespace Stroma.Data.Tests;

public sealed class ArchitectureTests
{
    /// <summary>Assembly-name prefixes of graphics and PDF libraries (ScottPlot draws with SkiaSharp and HarfBuzzSharp).</summary>
    private static readonly string[] GraphicsOrPdf =
        ["ScottPlot", "SkiaSharp", "HarfBuzzSharp", "PdfSharp", "MigraDoc", "QuestPDF", "System.Drawing.Common", "Stroma.Reporting"];

    private static bool IsGraphicsOrPdf(string name) => GraphicsOrPdf.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void DataAssembly_ReferencesNoGraphicsOrPdfAssembly()
    {
        var forbidden = typeof(StromaDbContext).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(IsGraphicsOrPdf)
            .ToList();

        forbidden.ShouldBeEmpty();
    }

    [Fact]
    public void DataAssembly_PackageGraph_BringsNoGraphicsOrPdfLibrary()
    {
        // This test project references Stroma.Data alone, so what Stroma.Data's packages bring, even unused, is copied
        // next to it: a graphics or PDF package reference in Stroma.Data shows here although no code calls it.
        typeof(StudyReportBuilder).Assembly.GetName().Name.ShouldBe("Stroma.Data");
        var copied = Directory.GetFiles(AppContext.BaseDirectory, "*.dll", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Select(name => name!)
            .Where(IsGraphicsOrPdf)
            .ToList();
        var natives = Directory.GetFiles(AppContext.BaseDirectory, "*.so", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Select(name => name!)
            .Where(name => name.Contains("skia", StringComparison.OrdinalIgnoreCase) || name.Contains("harfbuzz", StringComparison.OrdinalIgnoreCase))
            .ToList();

        copied.ShouldBeEmpty();
        natives.ShouldBeEmpty();
    }
}
