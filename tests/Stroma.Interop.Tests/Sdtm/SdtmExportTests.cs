// Source: CDISC SDTM Implementation Guide 3.3 (variable names, order and core per domain; 4.4.4 study day: day 1 is
// RFSTDTC, no day 0) and Define-XML 2.0 (ItemGroupDef/ItemRef/ItemDef/CodeList); issue #17 "CDISC ODM and SDTM".
using System.Globalization;
using System.Xml.Linq;
using CsvHelper;
using Shouldly;
using Stroma.Data;
using Stroma.Data.Demo;
using Stroma.Data.Export;
using Stroma.Data.Model;
using Stroma.Data.Tests;
using Stroma.Interop.Sdtm;

namespace Stroma.Interop.Tests.Sdtm;

public sealed class SdtmExportTests
{
    private static readonly XNamespace Odm = DefineXml.OdmNamespace;

    private static readonly XNamespace Def = DefineXml.DefNamespace;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A CSV file as its header and rows (each row by column name).</summary>
    internal static (List<string> Header, List<Dictionary<string, string>> Rows) Read(string path)
    {
        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        csv.Read();
        csv.ReadHeader();
        var header = csv.HeaderRecord!.ToList();
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            rows.Add(header.ToDictionary(h => h, h => csv.GetField(h) ?? "", StringComparer.Ordinal));
        }

        return (header, rows);
    }

    [Theory]
    [InlineData("2024-01-10", 1)]
    [InlineData("2024-01-11", 2)]
    [InlineData("2024-02-09", 31)]
    [InlineData("2024-01-09", -1)]
    [InlineData("2024-01-01", -9)]
    [InlineData("2023-01-10", -365)]
    public void StudyDay_AroundReferenceStart_DayOneIsReferenceAndNoDayZero(string date, int expected) =>
        SdtmExport.StudyDay(DateOnly.Parse(date, CultureInfo.InvariantCulture), new DateOnly(2024, 1, 10)).ShouldBe(expected);

    [Fact]
    public void StudyDay_NoReferenceStart_Null() =>
        SdtmExport.StudyDay(new DateOnly(2024, 1, 10), null).ShouldBeNull();

    [Theory]
    [InlineData("alkaline_phosphatase", "ALKALINE")]
    [InlineData("24h_protein", "X24HPROT")]
    [InlineData("nk_pct", "NKPCT")]
    public void SponsorCode_Key_AtMostEightLettersOrDigitsNotStartingWithDigit(string key, string expected) =>
        SdtmTerminology.SponsorCode(key).ShouldBe(expected);

    [Fact]
    public void LabTest_CatalogueAnalytes_CodesUniqueAndWellFormed()
    {
        // Two analytes share a test code only when they are the same test in another specimen (LBSPEC tells them apart).
        var tests = Stroma.Clinical.Labs.AnalyteCatalog.All.Select(a => (a.Key, Test: SdtmTerminology.LabTest(a.Key), Spec: SdtmTerminology.Specimen(a.Key)?.Value)).ToList();
        tests.ShouldAllBe(t => t.Test.Code.Length >= 1 && t.Test.Code.Length <= 8 && char.IsAsciiLetter(t.Test.Code[0]) && t.Test.Code.All(char.IsAsciiLetterOrDigit));
        tests.ShouldAllBe(t => t.Test.Name.Length <= 40);
        tests.GroupBy(t => (t.Test.Code, t.Spec)).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(t => t.Key))}").ShouldBeEmpty();
        // A sponsor code never takes a CDISC code's place.
        var cdisc = tests.Where(t => !t.Test.IsExtension).Select(t => t.Test.Code).ToHashSet(StringComparer.Ordinal);
        tests.Where(t => t.Test.IsExtension && cdisc.Contains(t.Test.Code)).Select(t => t.Key).ShouldBeEmpty();
    }

    [Fact]
    public void Country_Alpha2_Alpha3()
    {
        SdtmTerminology.Country("CN").ShouldBe("CHN");
        SdtmTerminology.Country("us").ShouldBe("USA");
        SdtmTerminology.Country("ZZ").ShouldBeNull();
        SdtmTerminology.Country(null).ShouldBeNull();
    }

    /// <summary>Every check of one export directory that does not depend on the registry: structure, required values, --SEQ, study days, define.xml.</summary>
    private static Dictionary<string, List<Dictionary<string, string>>> CheckExport(string directory)
    {
        var data = new Dictionary<string, List<Dictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var dataset in SdtmDatasets.All)
        {
            var (header, rows) = Read(Path.Combine(directory, dataset.FileName));
            header.ShouldBe(dataset.Names, dataset.Domain);
            header.Take(3).ShouldBe(["STUDYID", "DOMAIN", "USUBJID"]);
            foreach (var row in rows)
            {
                row["DOMAIN"].ShouldBe(dataset.Domain);
                // AEDECOD is required but only a CTCAE v5.0 term is coded: an uncoded term leaves it empty (checked below).
                foreach (var variable in dataset.Variables.Where(v => v.Core == "Req" && v.Name != "AEDECOD"))
                {
                    row[variable.Name].ShouldNotBeNullOrEmpty($"{dataset.Domain}.{variable.Name} in {string.Join(",", row.Values)}");
                }

                foreach (var variable in dataset.Variables.Where(v => v.Type == SdtmType.Text))
                {
                    row[variable.Name].Length.ShouldBeLessThanOrEqualTo(variable.Length, $"{dataset.Domain}.{variable.Name}");
                }
            }

            if (dataset.Domain != "DM")
            {
                var seq = dataset.Domain + "SEQ";
                rows.GroupBy(r => (r["USUBJID"], r[seq])).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty($"{seq} unique per subject");
            }

            data[dataset.Domain] = rows;
        }

        data["DM"].Select(r => r["USUBJID"]).ShouldBeUnique();
        data["AE"].Where(r => r["AEDECOD"] != (Stroma.Clinical.CellTherapy.CtcaeV5.Find(r["AETERM"])?.Term ?? "")).ShouldBeEmpty();
        var dm = data["DM"].ToDictionary(r => r["USUBJID"], r => r["RFSTDTC"], StringComparer.Ordinal);
        var days = new List<int>();
        foreach (var (domain, dtc, dy) in new[] { ("AE", "AESTDTC", "AESTDY"), ("AE", "AEENDTC", "AEENDY"), ("EX", "EXSTDTC", "EXSTDY"), ("LB", "LBDTC", "LBDY"), ("QS", "QSDTC", "QSDY"), ("DS", "DSSTDTC", "DSSTDY"), ("VS", "VSDTC", "VSDY") })
        {
            foreach (var row in data[domain])
            {
                dm.ShouldContainKey(row["USUBJID"]);
                var reference = dm[row["USUBJID"]];
                if (row[dtc].Length == 0 || reference.Length == 0)
                {
                    row[dy].ShouldBeEmpty();
                    continue;
                }

                var date = DateOnly.ParseExact(row[dtc][..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var start = DateOnly.ParseExact(reference, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                var day = int.Parse(row[dy], CultureInfo.InvariantCulture);
                day.ShouldNotBe(0, $"{domain} {dy}");
                day.ShouldBe(date >= start ? date.DayNumber - start.DayNumber + 1 : date.DayNumber - start.DayNumber, $"{domain} {dy} {row[dtc]} from {reference}");
                days.Add(day);
            }
        }

        days.ShouldContain(d => d < 0, "a record before day 1 (a baseline before the first infusion)");
        days.ShouldContain(1);

        CheckDefine(directory, data);
        return data;
    }

    private static void CheckDefine(string directory, Dictionary<string, List<Dictionary<string, string>>> data)
    {
        var define = XDocument.Load(Path.Combine(directory, DefineXml.FileName));
        var version = define.Root!.Element(Odm + "Study")!.Element(Odm + "MetaDataVersion")!;
        version.Attribute(Def + "DefineVersion")!.Value.ShouldBe("2.0.0");
        var items = version.Elements(Odm + "ItemDef").ToDictionary(i => i.Attribute("OID")!.Value, StringComparer.Ordinal);
        var codelists = version.Elements(Odm + "CodeList").ToDictionary(c => c.Attribute("OID")!.Value, StringComparer.Ordinal);
        var groups = version.Elements(Odm + "ItemGroupDef").ToList();
        var files = Directory.GetFiles(directory, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        groups.Select(g => g.Element(Def + "leaf")!.Attribute(XNamespace.Get("http://www.w3.org/1999/xlink") + "href")!.Value).Order(StringComparer.Ordinal).ShouldBe(files);
        foreach (var group in groups)
        {
            var domain = group.Attribute("Domain")!.Value;
            var (header, _) = Read(Path.Combine(directory, domain.ToLowerInvariant() + ".csv"));
            var refs = group.Elements(Odm + "ItemRef").OrderBy(r => int.Parse(r.Attribute("OrderNumber")!.Value, CultureInfo.InvariantCulture)).ToList();
            refs.Select(r => items[r.Attribute("ItemOID")!.Value].Attribute("Name")!.Value).ShouldBe(header, domain);
            foreach (var r in refs)
            {
                var item = items[r.Attribute("ItemOID")!.Value];
                item.Element(Odm + "Description")!.Element(Odm + "TranslatedText")!.Value.ShouldNotBeNullOrEmpty();
                item.Element(Def + "Origin")!.Attribute("Type")!.Value.ShouldBeOneOf("CRF", "Derived", "Assigned", "Protocol");
                if (item.Element(Odm + "CodeListRef") is { } codeListRef)
                {
                    // Every value in the column is one of its codelist's.
                    var list = codelists[codeListRef.Attribute("CodeListOID")!.Value];
                    var allowed = list.Elements().Where(e => e.Name == Odm + "EnumeratedItem" || e.Name == Odm + "CodeListItem")
                        .Select(e => e.Attribute("CodedValue")!.Value).ToHashSet(StringComparer.Ordinal);
                    var name = item.Attribute("Name")!.Value;
                    data[domain].Select(row => row[name]).Where(v => v.Length > 0).Distinct().Where(v => !allowed.Contains(v)).ShouldBeEmpty($"{domain}.{name}");
                }
            }
        }

        // Every item is referenced by a dataset.
        var referenced = groups.SelectMany(g => g.Elements(Odm + "ItemRef")).Select(r => r.Attribute("ItemOID")!.Value).ToHashSet(StringComparer.Ordinal);
        items.Keys.Where(k => !referenced.Contains(k)).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task WriteAsync_DemoRegistry_DomainsInSdtmigOrderAndDescribedByDefineXml(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 4, Seed: 5), Token);
        }

        // The demo records no vital signs: one set before the first infusion.
        await using (var db = database.Open("nurse"))
        {
            var infusion = db.Infusions.OrderBy(i => i.Id).First();
            db.Add(new InfusionVitalSigns
            {
                Id = Guid.CreateVersion7(),
                InfusionId = infusion.Id,
                Phase = VitalSignPhase.Pre,
                At = infusion.Start.AddMinutes(-30),
                SystolicMmHg = 118m,
                DiastolicMmHg = 76m,
                HeartRatePerMinute = 72m,
                TemperatureCelsius = 36.6m,
                RespiratoryRatePerMinute = 16m,
                OxygenSaturationPercent = 98m,
            });
            await db.SaveChangesAsync(Token);
        }

        var directory = Directory.CreateTempSubdirectory("stroma-sdtm-").FullName;
        var csvDirectory = Directory.CreateTempSubdirectory("stroma-sdtm-csv-").FullName;
        try
        {
            var counts = await SdtmExport.WriteAsync(database.Configuration, directory, CsvExportOptions.Everything, "STR-01", null, null, Token);
            var data = CheckExport(directory);
            foreach (var dataset in SdtmDatasets.All)
            {
                data[dataset.Domain].Count.ShouldBe((int)counts[dataset.FileName], dataset.Domain);
                data[dataset.Domain].ShouldNotBeEmpty(dataset.Domain);
            }

            data["DM"].ShouldAllBe(r => r["STUDYID"] == "STR-01" && r["USUBJID"] == $"STR-01-{r["SITEID"]}-{r["SUBJID"]}" && r["COUNTRY"] == "CHN");
            data["DS"].ShouldContain(r => r["DSDECOD"] == "INFORMED CONSENT OBTAINED" && r["DSCAT"] == "PROTOCOL MILESTONE");
            data["EX"].ShouldAllBe(r => r["EXDOSU"] == "Therapeutic Cells" && r["EXROUTE"] == "INTRAVENOUS" && r["EXLOT"].Length > 0);
            data["VS"].Select(r => $"{r["VSTESTCD"]} {r["VSORRES"]} {r["VSORRESU"]} {r["VSSTRESN"]} {r["VSSTRESU"]} {r["VSTPT"]}").ShouldBe(
            [
                "SYSBP 118 mmHg 118 mmHg BEFORE INFUSION", "DIABP 76 mmHg 76 mmHg BEFORE INFUSION", "HR 72 beats/min 72 beats/min BEFORE INFUSION",
                "TEMP 36.6 C 36.6 C BEFORE INFUSION", "RESP 16 breaths/min 16 breaths/min BEFORE INFUSION", "OXYSAT 98 % 98 % BEFORE INFUSION",
            ]);
            data["VS"].Select(r => r["VSSEQ"]).ShouldBe(["1", "2", "3", "4", "5", "6"]);

            // LB carries exactly the CSV export's lab results: the reported value and unit as reported, the standard
            // value the normalised one (where its unit has a CDISC term), row for row.
            await CsvExport.WriteAsync(database.Configuration, csvDirectory, Token);
            var (_, labs) = Read(Path.Combine(csvDirectory, "lab_results.csv"));
            var sites = data["DM"].ToDictionary(r => r["SUBJID"], r => r["SITEID"], StringComparer.Ordinal);
            var expected = labs.Select(l =>
            {
                var test = SdtmTerminology.LabTest(l["analyte"]);
                var unit = SdtmTerminology.Units.GetValueOrDefault(l["normalised_unit"]);
                var time = DateTimeOffset.Parse(l["specimen_time"], CultureInfo.InvariantCulture).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
                var standard = unit is null ? "" : l["normalised_value"];
                return string.Join("|", $"STR-01-{l["site"]}-{l["study_id"]}", test.Code, time, l["reported_value"], l["reported_unit"], standard, standard.Length == 0 ? "" : unit!.Value);
            }).Order(StringComparer.Ordinal).ToList();
            var actual = data["LB"].Select(r => string.Join("|", r["USUBJID"], r["LBTESTCD"], r["LBDTC"], r["LBORRES"], r["LBORRESU"], r["LBSTRESN"], r["LBSTRESU"]))
                .Order(StringComparer.Ordinal).ToList();
            actual.Count.ShouldBe(labs.Count);
            actual.ShouldBe(expected);
            sites.ShouldNotBeEmpty();
        }
        finally
        {
            Directory.Delete(directory, true);
            Directory.Delete(csvDirectory, true);
        }
    }

    [Theory]
    [MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task WriteAsync_OneSiteDeidentified_NoOtherSiteNoStudyIdSameStudyDays(DatabaseEngine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        List<(string Site, string StudyId)> patients;
        await using (var db = database.Open("demo"))
        {
            await DemoRegistry.CreateAsync(db, new DemoOptions(Patients: 6, Seed: 7), Token);
            patients = [.. db.Patients.Select(p => new { p.Site!.Code, p.StudyId }).AsEnumerable().Select(p => (p.Code, p.StudyId))];
        }

        var site = patients.GroupBy(p => p.Site).OrderByDescending(g => g.Count()).First().Key;
        var identifiable = Directory.CreateTempSubdirectory("stroma-sdtm-").FullName;
        var deidentified = Directory.CreateTempSubdirectory("stroma-sdtm-").FullName;
        try
        {
            await SdtmExport.WriteAsync(database.Configuration, identifiable, new CsvExportOptions([site]), cancellationToken: Token);
            await SdtmExport.WriteAsync(database.Configuration, deidentified, new CsvExportOptions([site], Deidentify: true), cancellationToken: Token);
            var plain = CheckExport(identifiable);
            var hidden = CheckExport(deidentified);

            plain["DM"].Select(r => r["SUBJID"]).Order(StringComparer.Ordinal).ShouldBe(patients.Where(p => p.Site == site).Select(p => p.StudyId).Order(StringComparer.Ordinal));
            plain["DM"].ShouldAllBe(r => r["SITEID"] == site);
            var everything = string.Concat(Directory.GetFiles(identifiable).Select(File.ReadAllText));
            foreach (var other in patients.Where(p => p.Site != site))
            {
                everything.ShouldNotContain(other.StudyId);
            }

            // De-identified: per-export keys, no study id anywhere, birth year at most, and the same study days (dates move by
            // the subject's offset, RFSTDTC with them).
            foreach (var file in Directory.GetFiles(deidentified))
            {
                var text = File.ReadAllText(file);
                patients.Where(p => text.Contains(p.StudyId, StringComparison.Ordinal)).Select(p => p.StudyId).ShouldBeEmpty(Path.GetFileName(file));
            }

            hidden["DM"].ShouldAllBe(r => r["SUBJID"].StartsWith('P') && r["BRTHDTC"].Length <= 4);
            foreach (var (domain, dy) in new[] { ("LB", "LBDY"), ("QS", "QSDY"), ("AE", "AESTDY"), ("EX", "EXSTDY"), ("VS", "VSDY"), ("DS", "DSSTDY") })
            {
                hidden[domain].Select(r => r[dy]).Order(StringComparer.Ordinal).ShouldBe(plain[domain].Select(r => r[dy]).Order(StringComparer.Ordinal), domain);
            }
        }
        finally
        {
            Directory.Delete(identifiable, true);
            Directory.Delete(deidentified, true);
        }
    }
}
