// Source: issue #21 (reliability): mutated CSV files crashed `stroma import labs` (a required header column missing,
// numbers too large for a decimal or the column, Unicode digits and minus signs, censored values with junk after the
// sign, an inverted or unreadable reported range, a specimen time in year 0001). Each is a regression case here, and a
// seeded fuzz test throws thousands of mutated files at the import: no unexpected exception, all or nothing.
using System.Text;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Data.Labs;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Tests;

public sealed class LabImportRobustnessTests
{
    private const string Header = "site,patient,visit_date,analyte,value,unit,range,lab,specimen_time";
    private const string GoodRow = "S1,P1,2012-05-01,creatinine,97,umol/L,45-84,LAB,2012-05-01T08:30:00+08:00";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A registry with one site, laboratory, patient (born 1980) and visit (2012-05-01).</summary>
    private static async Task<TestDatabase> RegistryAsync(DatabaseEngine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        await using var db = database.Open("seed");
        var site = new Site { Id = Guid.CreateVersion7(), Code = "S1", Name = "Site 1" };
        var patient = new Patient { Id = Guid.CreateVersion7(), SiteId = site.Id, StudyId = "P1", Sex = Sex.Female, BirthYear = 1980 };
        db.Sites.Add(site);
        db.Laboratories.Add(new Laboratory { Id = Guid.CreateVersion7(), SiteId = site.Id, Code = "LAB", Name = "Lab" });
        db.Patients.Add(patient);
        db.Visits.Add(new Visit { Id = Guid.CreateVersion7(), PatientId = patient.Id, VisitDate = new DateOnly(2012, 5, 1), Type = "baseline" });
        await db.SaveChangesAsync(Token);
        return database;
    }

    private static async Task<(LabImportResult Result, string Rejects, int Stored)> ImportAsync(TestDatabase database, string csv, bool partial = false)
    {
        await using var db = database.Open("importer");
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        using var rejects = new StringWriter();
        var result = await LabImport.RunAsync(db, input, "labs.csv", rejects, CatalogLabNormaliser.Default, partial, null, Token);
        return (result, rejects.ToString(), await db.LabResults.CountAsync(Token));
    }

    /// <summary>Each bad row of issue #21, the code it is refused with, and the row.</summary>
    public static TheoryData<DatabaseEngine, string, string> BadRows()
    {
        (string Code, string Row)[] rows =
        [
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,79228162514264337593543950335,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,79228162514264337593543950336,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,1000000000000,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,１２,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,−5,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,<NaN,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,>1e309,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.InvalidRange, "S1,P1,,creatinine,4,umol/L,5-3,,2012-05-01T09:00:00Z"),
            (IssueCodes.InvalidRange, "S1,P1,,creatinine,4,umol/L,NaN-Infinity,,2012-05-01T09:00:00Z"),
            (IssueCodes.ImplausibleSpecimenTime, "S1,P1,2012-05-01,creatinine,97,umol/L,,,0001-01-01T00:00:00Z"),
            (IssueCodes.ImplausibleSpecimenTime, "S1,P1,,creatinine,97,umol/L,,,1975-01-01T00:00:00Z"),
            (IssueCodes.MalformedRecord, "S1,P1,,creatinine,9\07,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.ValueTooPrecise, "S1,P1,,creatinine,92.1234567,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.ValueTooPrecise, "S1,P1,,creatinine,999999999999.9999999,umol/L,,,2012-05-01T09:00:00Z"),
            (IssueCodes.UnreadableValue, "S1,P1,,creatinine,1000000000000.5,umol/L,,,2012-05-01T09:00:00Z"),
        ];
        var data = new TheoryData<DatabaseEngine, string, string>();
        foreach (var engine in Engines.All)
        {
            foreach (var (code, row) in rows)
            {
                data.Add(engine, code, row);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadRows))]
    public async Task Run_BadRowOfIssue21_RejectedWithItsCodeAndNothingStored(DatabaseEngine engine, string code, string row)
    {
        await using var database = await RegistryAsync(engine);

        var (result, rejects, stored) = await ImportAsync(database, $"{Header}\n{GoodRow}\n{row}\n");

        result.ShouldBe(new LabImportResult(2, 0, 0, 1, false));
        rejects.ShouldContain(code);
        stored.ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_PartialWithTooPreciseAndTooLargeValues_OnlyThoseRejectedWithReasonAndSixDecimalsStoredExactly(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        var csv = $"""
            {Header}
            S1,P1,,creatinine,92.123456,umol/L,,,2012-05-01T09:00:00Z
            S1,P1,,creatinine,92.1234567,umol/L,,,2012-05-02T09:00:00Z
            S1,P1,,creatinine,1000000000000,umol/L,,,2012-05-03T09:00:00Z
            S1,P1,,creatinine,999999999999.999999,umol/L,,,2012-05-04T09:00:00Z

            """;

        var (result, rejects, stored) = await ImportAsync(database, csv, partial: true);

        result.Committed.ShouldBeTrue();
        stored.ShouldBe(2);
        rejects.ShouldContain(IssueCodes.ValueTooPrecise);
        rejects.ShouldContain("92.1234567");
        rejects.ShouldContain("more than 6 decimals");
        rejects.ShouldContain(IssueCodes.UnreadableValue);
        rejects.ShouldContain("1000000000000");
        await using var db = database.Open("reader");
        var values = (await db.LabResults.AsNoTracking().Select(l => new { l.ReportedValue, l.NormalisedValue }).ToListAsync(Token)).OrderBy(v => v.NormalisedValue).ToList();
        values.Select(v => v.ReportedValue).ShouldBe(["92.123456", "999999999999.999999"]);
        values.Select(v => v.NormalisedValue).ShouldBe([92.123456m, 999_999_999_999.999999m]);
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_ConvertedValueBeyondSixDecimals_StoredRoundedHalfAwayFromZeroOnEveryEngine(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        // 1 g/g = 1000/8.84 mg/mmol = 113.12217194...; 1.234567 mg/dL x 88.4 / 1000 = 0.1091357228 mmol/L;
        // 0.00125 mg/dL x 88.4 / 1000 = 0.0001105 mmol/L, a tie: 0.000111 half away from zero (0.000110 half to even).
        var csv = $"""
            {Header}
            S1,P1,,upcr,1,g/g,,,2012-05-01T09:00:00Z
            S1,P1,,urine_creatinine_spot,1.234567,mg/dL,,,2012-05-01T09:00:00Z
            S1,P1,,urine_creatinine_spot,0.00125,mg/dL,,,2012-05-02T09:00:00Z

            """;

        var (result, rejects, stored) = await ImportAsync(database, csv);

        result.Committed.ShouldBeTrue(rejects);
        stored.ShouldBe(3);
        await using var db = database.Open("reader");
        var values = (await db.LabResults.AsNoTracking().Select(l => new { l.ReportedValue, l.NormalisedValue }).ToListAsync(Token))
            .OrderBy(v => v.ReportedValue, StringComparer.Ordinal).ToList();
        values.Select(v => v.ReportedValue).ShouldBe(["0.00125", "1", "1.234567"]);
        values.Select(v => v.NormalisedValue).ShouldBe([0.000111m, 113.122172m, 0.109136m]);
    }

    [Theory]
    [InlineData("0.0000005", "0.000001")]
    [InlineData("-0.0000005", "-0.000001")]
    [InlineData("2.0000025", "2.000003")]
    [InlineData("2.0000024999", "2.000002")]
    [InlineData("92.123456", "92.123456")]
    public void StoredValue_MoreThanSixDecimals_RoundsHalfAwayFromZero(string value, string expected)
    {
        var stored = LabResultRows.StoredValue(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));

        stored.ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_HeaderWithoutARequiredColumnOrGarbage_RefusedWholeWithLab014(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);

        var missing = await ImportAsync(database, "site,patient,visit_date,analyte,value,range,lab,specimen_time\nS1,P1,,creatinine,97,,,2012-05-01T09:00:00Z\n");
        var garbage = await ImportAsync(database, "\0\u0001garbage;;\n" + GoodRow + "\n");

        foreach (var (result, _, stored) in new[] { missing, garbage })
        {
            result.Refused.ShouldBeTrue();
            result.Committed.ShouldBeFalse();
            result.FileIssues.ShouldHaveSingleItem().Code.ShouldBe(IssueCodes.LabFileHeader);
            stored.ShouldBe(0);
        }

        missing.Result.FileIssues[0].Message.ShouldContain("unit");
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Run_HundredsOfMutatedFiles_NoUnexpectedExceptionAndAllOrNothing(DatabaseEngine engine)
    {
        await using var database = await RegistryAsync(engine);
        var random = new Random(20261206);
        // A fixed, seeded number of files (not a time budget, which a loaded machine turned into too few files): each
        // engine's run takes seconds on a quiet machine and well under a minute on a loaded one.
        var files = engine == DatabaseEngine.Sqlite ? 500 : 100;
        var stored = 0;
        for (var done = 0; done < files; done++)
        {
            var file = Mutated(random, done);
            LabImportResult result;
            int after;
            try
            {
                (result, _, after) = await ImportAsync(database, file);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ShouldAssertException($"File {done} crashed the import with {e.GetType().Name}: {e.Message}\n---\n{file}---", e);
            }

            if (result.Refused || result.Rejected > 0)
            {
                result.Inserted.ShouldBe(0, $"file {done}");
                after.ShouldBe(stored, $"file {done}: a failed import wrote rows\n{file}");
            }
            else
            {
                after.ShouldBe(stored + (int)result.Inserted, $"file {done}\n{file}");
            }

            stored = after;
        }
    }

    private static readonly string[] Tokens =
    [
        "", " ", "\0", "\"", ",", "\n", "\r\n", "79228162514264337593543950335", "79228162514264337593543950336", "1e309", "-1e309",
        "NaN", "Infinity", "-Infinity", "<NaN", ">1e309", "<=", ">", "<", "5-3", "NaN-Infinity", "-", "--5", "１２", "−5", "٣", "1:１６０",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2012-05-01T08:30:00+14:00", "2012-05-01T08:30:00-14:00", "2012-05-01", "0000-00-00",
        "1000000000000", "999999999999.999999", "0.0000001", "-0", "+5", "1,5", "阳性", "2+", "1:160", "<1:80", "neg", "g/dL", "mg/L",
        "umol/L", "U/L", "10*9/L", "mmol/L", "creatinine", "c3", "hemoglobin", "urine_protein_dipstick", "ana_titre", "ferritin",
        "S1", "S2", "P1", "P2", "LAB", "LAB2", new string('x', 70), new string('9', 40), "\u00a0", "\ufeff", "\ud800",
    ];

    private static readonly string[] Rows =
    [
        "S1,P1,2012-05-01,creatinine,97,umol/L,45-84,LAB,2012-05-01T08:30:00+08:00",
        "S1,P1,,c3,0.41,g/L,0.9-1.8,,2012-05-01T08:31:00+08:00",
        "S1,P1,2012-05-01,hemoglobin,11.2,g/dL,,LAB,2012-05-01T08:32:00+08:00",
        "S1,P1,,urine_protein_dipstick,2+,,,,2012-05-01T08:33:00+08:00",
        "S1,P1,,ana_titre,1:160,,,,2012-05-01T08:34:00+08:00",
        "S1,P1,,c4,\"<0.02\",g/L,,,2012-05-01T08:35:00+08:00",
        "S1,P1,,creatinine,11,mg/L,,,2012-05-01T08:36:00+08:00",
    ];

    /// <summary>A valid file of a few rows (specimen times made unique per file) with one to four mutations.</summary>
    private static string Mutated(Random random, int number)
    {
        var minute = TimeSpan.FromMinutes(number * 10);
        var rows = Rows.OrderBy(_ => random.Next()).Take(random.Next(1, Rows.Length + 1))
            .Select(r => r.Replace("2012-05-01T08:", $"{new DateTimeOffset(2012, 5, 1, 8, 0, 0, TimeSpan.FromHours(8)).Add(minute):yyyy-MM-dd'T'HH}:", StringComparison.Ordinal))
            .Select(r => r.Split(',').ToList()).ToList();
        var header = Header.Split(',').ToList();
        for (var m = random.Next(1, 5); m > 0; m--)
        {
            var row = rows[random.Next(rows.Count)];
            switch (random.Next(8))
            {
                case 0 or 1 or 2:
                    row[random.Next(row.Count)] = Tokens[random.Next(Tokens.Length)];
                    break;
                case 3:
                    var cell = random.Next(row.Count);
                    row[cell] = row[cell].Length == 0 ? Tokens[random.Next(Tokens.Length)] : row[cell].Insert(random.Next(row[cell].Length), Tokens[random.Next(Tokens.Length)]);
                    break;
                case 4:
                    header.RemoveAt(random.Next(header.Count));
                    break;
                case 5:
                    rows.Add([.. row]);
                    break;
                case 6:
                    row.RemoveAt(random.Next(row.Count));
                    break;
                default:
                    header[random.Next(header.Count)] = Tokens[random.Next(Tokens.Length)];
                    break;
            }
        }

        var text = string.Join(",", header) + "\n" + string.Join("\n", rows.Select(r => string.Join(",", r))) + "\n";
        return random.Next(10) == 0 ? text[..random.Next(text.Length)] : text;
    }
}
