// Source: issue #14 "Protocols as versioned, signed data" and docs/protocol.schema.json (the stroma-protocol/1 format);
// the templates are issue #6's (ProtocolTemplates, with their citations). The JSON example is docs/examples/protocol-site-wang.json.
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Labs;

namespace Stroma.Clinical.Tests.CellTherapy;

public class ProtocolDefinitionTests
{
    private static string Example => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "examples", "protocol-site-wang.json"));

    public static TheoryData<string> TemplateKeys() => [.. ProtocolTemplates.All.Select(p => p.Key)];

    [Theory]
    [MemberData(nameof(TemplateKeys))]
    public void ToJson_EachTemplate_ReadsBackToTheSameDefinitionAndText(string key)
    {
        var template = ProtocolDefinitions.FromTemplate(ProtocolTemplates.Find(key)!);
        var json = ProtocolDefinitions.ToJson(template);

        var (read, issues) = ProtocolDefinitions.Parse(json, "1");

        Assert.Empty(issues);
        Assert.Equal(json, ProtocolDefinitions.ToJson(read!));
        var start = new DateOnly(2024, 1, 31);
        Assert.Equal(PatientSchedule.Generate(template.Protocol, start).Events, PatientSchedule.Generate(read!.Protocol, start).Events);
        Assert.Equal(template.Protocol.Components.Select(c => c.Dose), read.Protocol.Components.Select(c => c.Dose));
        Assert.Equal(template.Protocol.Notes, read.Protocol.Notes);
    }

    [Fact]
    public void Parse_ShippedJsonExample_ReadsFollowUpsWithWhatIsCollected()
    {
        var (definition, issues) = ProtocolDefinitions.Parse(Example, "1");

        Assert.Empty(issues);
        var p = definition!.Protocol;
        Assert.Equal(("site_wang_2014", "1", 7), (p.Key, definition.ConsentVersion, definition.LateEntryDays));
        Assert.Equal(new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)), p.Components.Single().Dose);
        Assert.Equal(FollowUpKind.Contact, p.FollowUps[0].Kind);
        Assert.Equal(["sledai2k", "pga"], p.FollowUps[1].Instruments);
        Assert.Equal([LabPanel.BloodCount, LabPanel.Kidney, LabPanel.UrineProtein, LabPanel.Complement], p.FollowUps[1].LabPanels);
        Assert.Empty(definition.UnsetDoses);
    }

    [Fact]
    public void Parse_ComponentTolerance_ReadAndWrittenBack_OutOfRangeRefusedWithItsPath()
    {
        var json = Example.Replace("\"route\": \"intravenous\"", "\"tolerancePercent\": 20, \"route\": \"intravenous\"", StringComparison.Ordinal);
        var bad = Example.Replace("\"route\": \"intravenous\"", "\"tolerancePercent\": 120, \"route\": \"intravenous\"", StringComparison.Ordinal);

        var (definition, issues) = ProtocolDefinitions.Parse(json, "1");
        var (refused, badIssues) = ProtocolDefinitions.Parse(bad, "1");

        Assert.Empty(issues);
        Assert.Equal(DoseTolerance.Percent(20m), definition!.Protocol.Components.Single().Tolerance);
        Assert.Contains("\"tolerancePercent\": 20", ProtocolDefinitions.ToJson(definition), StringComparison.Ordinal);
        Assert.Equal(ProtocolDefinitions.ToJson(definition), ProtocolDefinitions.ToJson(ProtocolDefinitions.Parse(ProtocolDefinitions.ToJson(definition), "1").Definition!));
        Assert.Null(refused);
        Assert.Equal((IssueCodes.ProtocolFieldInvalid, "components[0].tolerancePercent"), (badIssues.Single().Code, badIssues.Single().Path));
    }

    [Fact]
    public void Parse_ManyMistakes_GathersEveryIssueWithPathValueAndWhy()
    {
        var json = Example
            .Replace("\"site_wang_2014\"", "\"Site-Wang\"", StringComparison.Ordinal)
            .Replace("\"cellsPerKg\": 1000000", "\"cellsPerKg\": -5", StringComparison.Ordinal)
            .Replace("\"uc_msc\"", "\"umbilical\"", StringComparison.Ordinal)
            .Replace("\"sledai2k\", \"pga\"]", "\"sledai\", \"pga\"]", StringComparison.Ordinal)
            .Replace("\"number\": 2", "\"number\": 3", StringComparison.Ordinal)
            .Replace("\"lateEntryDays\": 7", "\"lateEntryDays\": 7, \"lateEntrydays\": 7", StringComparison.Ordinal)
            .Replace("\"kind\": \"contact\"", "\"kind\": \"call\"", StringComparison.Ordinal)
            .Replace("\"consentVersion\": \"1\",", "", StringComparison.Ordinal);

        var (definition, issues) = ProtocolDefinitions.Parse(json, "1");

        Assert.Null(definition);
        Assert.Equal(
        [
            (IssueCodes.ProtocolUnknownField, "lateEntrydays"),
            (IssueCodes.ProtocolFieldInvalid, "key"),
            (IssueCodes.ProtocolFieldMissing, "consentVersion"),
            (IssueCodes.ProtocolUnknownCatalogueKey, "components[0].acceptedProducts[0]"),
            (IssueCodes.ProtocolFieldInvalid, "components[0].dose.cellsPerKg"),
            (IssueCodes.ProtocolFieldInvalid, "followUps[0].kind"),
            (IssueCodes.ProtocolUnknownCatalogueKey, "followUps[1].instruments[0]"),
            (IssueCodes.ProtocolUnknownCatalogueKey, "followUps[3].instruments[0]"),
            (IssueCodes.ProtocolDuplicateOrOutOfOrder, "administrations[1].number"),
        ], issues.Select(i => (i.Code, i.Path)));
        Assert.Contains("'Site-Wang' is not accepted: a key is lower-case snake_case", issues[1].Message, StringComparison.Ordinal);
        Assert.Contains("'-5' is not accepted: it must be above 0", issues[4].Message, StringComparison.Ordinal);
        Assert.Contains("Unknown instrument 'sledai' (known: sledai2k,", issues[6].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"key\": ", "PRT001")]
    [InlineData("[]", "PRT003")]
    [InlineData("{}", "PRT002")]
    public void Parse_NotADefinition_IsRefusedWithACode(string json, string code)
    {
        var (definition, issues) = ProtocolDefinitions.Parse(json, "1");

        Assert.Null(definition);
        Assert.Contains(issues, i => i.Code == code);
    }

    [Fact]
    public void Parse_DoseWithTwoForms_IsRefused()
    {
        var json = Example.Replace("\"cellsPerKg\": 1000000", "\"cellsPerKg\": 1000000, \"cells\": 5e7", StringComparison.Ordinal);

        var (_, issues) = ProtocolDefinitions.Parse(json, "1");

        var issue = Assert.Single(issues);
        Assert.Equal((IssueCodes.ProtocolFieldInvalid, "components[0].dose"), (issue.Code, issue.Path));
    }

    [Fact]
    public void Parse_ExponentDose_IsTheSameNumberAsWrittenOut()
    {
        var json = Example.Replace("\"cellsPerKg\": 1000000", "\"cells\": 5e7", StringComparison.Ordinal);

        var (definition, _) = ProtocolDefinitions.Parse(json, "1");

        Assert.Equal(new DoseRule.Fixed(CellCount.Cells(50_000_000m)), definition!.Protocol.Components.Single().Dose);
        Assert.Contains("\"cells\": 50000000", ProtocolDefinitions.ToJson(definition), StringComparison.Ordinal);
    }

    [Fact]
    public void UnsetDoses_SeedCase2Template_ListsBothComponents()
    {
        var definition = ProtocolDefinitions.FromTemplate(ProtocolTemplates.SeedCase2(), "site_case_2");

        Assert.Equal(["msc", "nk"], definition.UnsetDoses.Select(c => c.Key));
        Assert.Equal("site_case_2", definition.Protocol.Key);
        Assert.Contains("Copied from the built-in template seed_case_2 version 1.", definition.Protocol.Notes);
    }
}
