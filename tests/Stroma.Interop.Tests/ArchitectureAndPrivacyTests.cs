// Source: CONVENTIONS.md dependency direction (Clinical <- Data <- Interop <- {Web, Cli}) and issue #17: hospital
// identifiers are never exported in de-identified exports.
using Shouldly;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Export;
using Stroma.Data.Tests;
using Stroma.Interop.Hl7;

namespace Stroma.Interop.Tests;

public sealed class ArchitectureAndPrivacyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void InteropAssembly_ReferencesNoSurface_OnlyDataAndClinical()
    {
        var references = typeof(Er7).Assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Stroma.", StringComparison.Ordinal)).Order().ToList();

        references.ShouldBe(["Stroma.Clinical", "Stroma.Data"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CsvExport_LinkedHospitalIdentifier_NeverWritten(bool deidentify)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 1, IncludeSeedCases: false, IncludeLabs: false), Token);
            (await Hl7Links.LinkPatientAsync(db, "S1", "S1-001", "MRN-SECRET-0042", "GHH", Token)).ShouldBeEmpty();
        }

        var directory = Directory.CreateTempSubdirectory("stroma-export-");
        try
        {
            await CsvExport.WriteAsync(database.Configuration, directory.FullName, new CsvExportOptions([], deidentify), Token);

            var files = Directory.GetFiles(directory.FullName, "*", SearchOption.AllDirectories);
            files.ShouldNotBeEmpty();
            foreach (var file in files)
            {
                (await File.ReadAllTextAsync(file, Token)).ShouldNotContain("MRN-SECRET-0042", customMessage: file);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
