// Source: issue #4's panel list (CBC with differential, urinalysis, liver, kidney, electrolytes, coagulation, T-cell
// subsets, immunoglobulins, complement, autoantibodies, 24-h urine protein and UPCR).
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Tests.Labs;

public class AnalyteCatalogTests
{
    [Theory]
    [InlineData("wbc", "neutrophils", "lymphocytes", "hemoglobin", "platelets")]
    [InlineData("urine_protein_dipstick", "urine_blood_dipstick", "urine_rbc_hpf", "urine_wbc_hpf", "urine_rbc_casts")]
    [InlineData("alt", "ast", "alp", "total_protein", "albumin")]
    [InlineData("creatinine", "urea", "bun", "uric_acid", "sodium")]
    [InlineData("pt", "aptt", "thrombin_time", "fibrinogen", "inr")]
    [InlineData("cd3_pct", "cd4_pct", "cd8_pct", "cd4_cd8_ratio", "nk_pct")]
    [InlineData("igg", "iga", "igm", "c3", "c4")]
    [InlineData("ana_titre", "ana_pattern", "anti_dsdna", "anti_sm", "anticardiolipin_igg")]
    [InlineData("urine_protein_24h", "upcr", "urine_protein_spot", "urine_creatinine_spot", "urine_volume_24h")]
    public void Catalog_CoversEveryPanelOfTheIssue(params string[] keys) =>
        Assert.All(keys, k => Assert.NotNull(AnalyteCatalog.Find(k)));

    [Fact]
    public void Catalog_EachAnalyteIsWellFormed()
    {
        Assert.All(AnalyteCatalog.All, a =>
        {
            Assert.Matches("^[a-z][a-z0-9_]*$", a.Key);
            Assert.True(a.IsQuantitative || a.Scale is not null, a.Key);
            if (a.Loinc is not null)
            {
                Assert.Matches("^[0-9]{1,7}-[0-9]$", a.Loinc);
            }

            if (a.IsQuantitative)
            {
                Assert.Equal(a.CanonicalUnit, a.ReportedUnits[0]);
            }
        });
        Assert.Equal(AnalyteCatalog.All.Count, AnalyteCatalog.All.Select(a => a.Key).Distinct().Count());
    }

    [Fact]
    public void Catalog_UreaAndBunAreDifferentAnalytes()
    {
        Assert.NotSame(AnalyteCatalog.Find("urea"), AnalyteCatalog.Find("bun"));
        Assert.Same(AnalyteCatalog.Find("bun"), AnalyteCatalog.Find("3094-0"));
        Assert.Same(AnalyteCatalog.Find("creatinine"), AnalyteCatalog.Find("14682-9"));
        Assert.Null(AnalyteCatalog.Find("bilirubin"));
    }

    [Fact]
    public void Defaults_EveryRangeNamesACatalogAnalyteAndAnHonestSource()
    {
        Assert.All(DefaultRanges.All, r =>
        {
            var analyte = AnalyteCatalog.Get(r.AnalyteKey);
            Assert.True(r.Status is RangeStatus.PublishedExample or RangeStatus.Placeholder);
            if (r.Unit is not null)
            {
                Assert.True(analyte.Accepts(r.Unit), $"{r.AnalyteKey} range unit {r.Unit}");
            }

            Assert.True(r.Status == RangeStatus.PublishedExample || (r.CriticalLow is null && r.CriticalHigh is null),
                $"{r.AnalyteKey}: placeholders carry no critical limits");
        });
    }

    [Fact]
    public void RangeReader_ValidRow_IsASiteRange()
    {
        var (range, issues) = ReferenceRangeReader.Read(new Dictionary<string, string?>
        {
            ["lab"] = "H1",
            ["analyte"] = "hb",
            ["sex"] = "f",
            ["unit"] = "g/dL",
            ["low"] = "11.5",
            ["high"] = "15",
            ["source"] = "H1 SOP 2024",
        });

        Assert.Empty(issues);
        Assert.Equal("hemoglobin", range!.AnalyteKey);
        Assert.Equal(Sex.Female, range.Sex);
        Assert.Equal(RangeStatus.SiteSupplied, range.Status);
    }

    [Theory]
    [InlineData("analyte", "nosuch", IssueCodes.UnknownAnalyte)]
    [InlineData("unit", "U/L", IssueCodes.UnitNotForAnalyte)]
    [InlineData("low", "abc", IssueCodes.InvalidRange)]
    [InlineData("high", "10", IssueCodes.InvalidRange)]
    [InlineData("source", "", IssueCodes.InvalidRange)]
    [InlineData("sex", "x", IssueCodes.InvalidDemographics)]
    [InlineData("colour", "red", IssueCodes.UnknownItem)]
    public void RangeReader_BadField_IsReported(string field, string value, string code)
    {
        var fields = new Dictionary<string, string?>
        {
            ["lab"] = "H1",
            ["analyte"] = "hb",
            ["unit"] = "g/L",
            ["low"] = "115",
            ["high"] = "150",
            ["source"] = "H1 SOP",
        };
        fields[field] = value;

        var (range, issues) = ReferenceRangeReader.Read(fields);

        Assert.Null(range);
        Assert.Contains(issues, i => i.Code == code);
    }

    [Fact]
    public void Docs_ListEveryAnalyteKey()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "labs.md"));

        Assert.All(AnalyteCatalog.All, a => Assert.Contains($"`{a.Key}`", docs, StringComparison.Ordinal));
    }
}
