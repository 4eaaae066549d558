// Source: issue #15 "Data quality: edit checks as data" (the example checks) and docs/data-quality.md (the rule language).
// The example file is docs/examples/protocol-checks.json; its limits are study-declared examples, not clinical rules.
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Quality;

namespace Stroma.Clinical.Tests.Quality;

public class CheckLanguageTests
{
    private static readonly string[] NoVisits = [];

    private static (CheckNode? Node, IReadOnlyList<Issue> Issues) Compile(string text, CheckScope scope)
    {
        var (node, issues) = CheckParser.Parse(text, "when");
        return node is null ? (null, issues) : (node, CheckCompiler.CheckCondition(node, scope, "when", text));
    }

    private static bool? Run(string text, CheckScope scope, params (string Path, FieldValue Value)[] values)
    {
        var (node, issues) = Compile(text, scope);
        Assert.Empty(issues);
        return CheckEvaluator.IsTrue(node!, values.ToDictionary(v => v.Path, v => v.Value));
    }

    [Theory]
    [InlineData("abs(infusion.weight - enrolment.weight) / enrolment.weight > 0.20", 70, 50, true)]
    [InlineData("abs(infusion.weight - enrolment.weight) / enrolment.weight > 0.20", 55, 50, false)]
    [InlineData("abs(infusion.weight - enrolment.weight) / enrolment.weight > 0.20", 39, 50, true)]
    public void Evaluate_WeightChangeRatio_FiresAboveTwentyPercent(string text, int weight, int enrolment, bool expected)
    {
        var result = Run(text, CheckScope.Infusion, ("infusion.weight", FieldValue.Of((decimal)weight)), ("enrolment.weight", FieldValue.Of((decimal)enrolment)));

        Assert.Equal(expected, result);
    }

    [Fact]
    public void Evaluate_MissingOperand_IsUnknownNotAFinding()
    {
        var result = Run("abs(infusion.weight - enrolment.weight) / enrolment.weight > 0.20", CheckScope.Infusion, ("infusion.weight", FieldValue.Of(70m)));

        Assert.Null(result);
    }

    [Fact]
    public void Evaluate_DivisionByZero_IsUnknown()
    {
        var result = Run("infusion.weight / enrolment.weight > 1", CheckScope.Infusion,
            ("infusion.weight", FieldValue.Of(70m)), ("enrolment.weight", FieldValue.Of(0m)));

        Assert.Null(result);
    }

    [Theory]
    [InlineData(false, null, null)]
    [InlineData(true, null, true)]
    [InlineData(null, true, true)]
    public void Evaluate_KleeneLogic_FalseAndUnknownIsFalse(bool? left, bool? right, bool? expectedOr)
    {
        var values = new[] { ("ae.serious", FieldValue.Of(left)) };
        var or = Run("ae.serious = true or ae.grade >= 3", CheckScope.AdverseEvent, values[0],
            ("ae.grade", right is null ? FieldValue.Missing : FieldValue.Of(right.Value ? 4m : 1m)));
        var and = Run("ae.serious = true and ae.grade >= 3", CheckScope.AdverseEvent, values[0],
            ("ae.grade", right is null ? FieldValue.Missing : FieldValue.Of(right.Value ? 4m : 1m)));

        Assert.Equal(expectedOr, or);
        Assert.Equal(left == false || right == false ? false : left == true && right == true ? true : null, and);
    }

    [Fact]
    public void Evaluate_DatesAndDays_CompareAndSubtract()
    {
        var onset = ("ae.onset", FieldValue.Of(new DateOnly(2024, 3, 1)));
        var consent = ("consent.date", FieldValue.Of(new DateOnly(2024, 3, 10)));

        Assert.True(Run("ae.onset < consent.date", CheckScope.AdverseEvent, onset, consent));
        Assert.True(Run("consent.date - ae.onset = 9", CheckScope.AdverseEvent, onset, consent));
        Assert.False(Run("ae.onset + days(10) < consent.date", CheckScope.AdverseEvent, onset, consent));
        Assert.True(Run("ae.onset >= date('2024-01-01')", CheckScope.AdverseEvent, onset));
    }

    [Fact]
    public void Evaluate_IsMissingAndIsPresent_ReadPresence()
    {
        Assert.True(Run("ae.grade >= 3 and ae.outcome is missing", CheckScope.AdverseEvent, ("ae.grade", FieldValue.Of(3m))));
        Assert.False(Run("ae.grade >= 3 and ae.outcome is missing", CheckScope.AdverseEvent, ("ae.grade", FieldValue.Of(3m)), ("ae.outcome", FieldValue.Of("recovered"))));
        Assert.True(Run("not (ae.outcome is present)", CheckScope.AdverseEvent));
    }

    [Fact]
    public void Evaluate_TextEquality_IgnoresCase()
    {
        Assert.True(Run("ae.outcome = 'Recovered'", CheckScope.AdverseEvent, ("ae.outcome", FieldValue.Of("recovered"))));
    }

    [Theory]
    [InlineData("lab.creatinine > lab.wbc", IssueCodes.CheckTypeMismatch, "the units differ")]
    [InlineData("lab.creatinine > infusion.dose", IssueCodes.CheckUnknownField, "no value in a check on visit records")]
    [InlineData("ae.onset < 3", IssueCodes.CheckUnknownField, "ae.onset")]
    [InlineData("lab.creatinin > 100", IssueCodes.CheckUnknownField, "Unknown field 'lab.creatinin'")]
    [InlineData("visit.type < 'month_6'", IssueCodes.CheckTypeMismatch, "only be compared with = or !=")]
    [InlineData("lab.creatinine * lab.creatinine > 1", IssueCodes.CheckTypeMismatch, "cannot multiply")]
    [InlineData("lab.creatinine + 5", IssueCodes.CheckTypeMismatch, "not a condition")]
    [InlineData("visit.date - lab.creatinine > 0", IssueCodes.CheckTypeMismatch, "cannot use -")]
    [InlineData("visit.type = 'month_6' and 3", IssueCodes.CheckTypeMismatch, "needs a condition")]
    public void Compile_BadCheck_IsRefusedWithCodeAndReason(string text, string code, string why)
    {
        var (_, issues) = Compile(text, CheckScope.Visit);

        var issue = Assert.Single(issues);
        Assert.Equal(code, issue.Code);
        Assert.Equal("when", issue.Path);
        Assert.Contains(why, issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ae.grade >= ", "Column 13: found the end of the expression")]
    [InlineData("ae.outcome = 'x", "no closing quote")]
    [InlineData("AE.grade > 3", "names are lower case")]
    [InlineData("ae.grade is 3", "expected 'missing' or 'present'")]
    [InlineData("(ae.grade > 3", "')' to close")]
    [InlineData("ae.grade > 3 3", "expected an operator")]
    [InlineData("days(x) > 1", "whole number of days")]
    [InlineData("", "empty")]
    public void Parse_Malformed_GivesColumnAndWhat(string text, string expected)
    {
        var (node, issues) = CheckParser.Parse(text, "when");

        Assert.Null(node);
        var issue = Assert.Single(issues);
        Assert.Equal(IssueCodes.CheckSyntax, issue.Code);
        Assert.Contains(expected, issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepNesting_IsRefusedNotAStackOverflow()
    {
        var text = new string('(', 500) + "true" + new string(')', 500);

        var (node, issues) = CheckParser.Parse(text, "when");

        Assert.Null(node);
        Assert.Contains("nests deeper", Assert.Single(issues).Message, StringComparison.Ordinal);
    }

    private static CheckDefinition Draft(CheckKind kind, CheckScope scope, string? field = null, decimal? min = null, decimal? max = null,
        string? when = null, string? visit = null, params string[] analytes) =>
        new("k", kind, scope, CheckSeverity.Soft, new CheckMessage("m", "消息"), field, min, max, when, visit, analytes);

    [Theory]
    [InlineData(19.9, true)]
    [InlineData(20, false)]
    [InlineData(250, false)]
    [InlineData(250.1, true)]
    public void Range_OutsideMinMax_Fires(double weight, bool fires)
    {
        var (check, issues) = CheckDefinitions.Create(Draft(CheckKind.Range, CheckScope.Infusion, "infusion.weight", 20m, 250m), NoVisits, "checks[0]");

        Assert.Empty(issues);
        var fired = check!.Fired(new Dictionary<string, FieldValue> { ["infusion.weight"] = FieldValue.Of((decimal)weight) }).ToList();
        Assert.Equal(fires, fired.Count == 1);
    }

    [Fact]
    public void Range_OnText_IsRefused()
    {
        var (check, issues) = CheckDefinitions.Create(Draft(CheckKind.Range, CheckScope.AdverseEvent, "ae.outcome", 1m), NoVisits, "checks[0]");

        Assert.Null(check);
        Assert.Equal(IssueCodes.CheckTypeMismatch, Assert.Single(issues).Code);
    }

    [Fact]
    public void RequiredWhen_GradeThreeWithoutOutcome_FiresOnOutcome()
    {
        var (check, _) = CheckDefinitions.Create(Draft(CheckKind.RequiredWhen, CheckScope.AdverseEvent, "ae.outcome", when: "ae.grade >= 3"), NoVisits, "c");

        var fired = check!.Fired(new Dictionary<string, FieldValue> { ["ae.grade"] = FieldValue.Of(3m) }).Single();
        var quiet = check.Fired(new Dictionary<string, FieldValue> { ["ae.grade"] = FieldValue.Of(2m) });

        Assert.Equal("ae.outcome", fired.Field);
        Assert.Empty(quiet);
    }

    [Fact]
    public void Completeness_MonthSixWithoutProtein_FiresPerMissingAnalyte()
    {
        var (check, issues) = CheckDefinitions.Create(
            Draft(CheckKind.Completeness, CheckScope.Visit, visit: "month_6", analytes: ["urine_protein_24h", "creatinine"]), ["month_6"], "c");
        Assert.Empty(issues);

        var fired = check!.Fired(new Dictionary<string, FieldValue>
        {
            ["visit.type"] = FieldValue.Of("month_6"),
            ["lab.creatinine"] = FieldValue.Of(80m),
        }).Select(r => r.Field).ToList();
        var otherVisit = check.Fired(new Dictionary<string, FieldValue> { ["visit.type"] = FieldValue.Of("month_3") });

        Assert.Equal(["lab.urine_protein_24h"], fired);
        Assert.Empty(otherVisit);
    }

    [Fact]
    public void Completeness_UnknownVisitOrAnalyte_IsRefused()
    {
        var (check, issues) = CheckDefinitions.Create(
            Draft(CheckKind.Completeness, CheckScope.Visit, visit: "month_7", analytes: ["protein"]), ["month_6"], "checks[2]");

        Assert.Null(check);
        Assert.Equal([("checks[2].visit", IssueCodes.ProtocolFieldInvalid), ("checks[2].analytes[0]", IssueCodes.CheckUnknownField)],
            issues.Select(i => (i.Path, i.Code)));
    }

    private static string ExampleFile => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "examples", "protocol-checks.json"));

    [Fact]
    public void Parse_ExampleChecksFile_ReadsEachKindAndRoundTrips()
    {
        var (definition, issues) = ProtocolDefinitions.Parse(ExampleFile, "1");

        Assert.Empty(issues);
        Assert.Equal([CheckKind.Range, CheckKind.CrossField, CheckKind.CrossField, CheckKind.CrossField, CheckKind.RequiredWhen, CheckKind.Completeness],
            definition!.Checks.Select(c => c.Kind));
        var json = ProtocolDefinitions.ToJson(definition);
        var (again, _) = ProtocolDefinitions.Parse(json, "1");
        Assert.Equal(json, ProtocolDefinitions.ToJson(again!));
        Assert.All(definition.Checks, c => Assert.StartsWith("Study-declared check", c.Message.English, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_CheckNamingFieldOutsideItsScope_IsRefusedWithItsPath()
    {
        var bad = ExampleFile.Replace("ae.onset < consent.date", "ae.grade > infusion.dose", StringComparison.Ordinal);

        var (definition, issues) = ProtocolDefinitions.Parse(bad, "1");

        Assert.Null(definition);
        var issue = Assert.Single(issues);
        Assert.Equal((IssueCodes.CheckUnknownField, "checks[2].when"), (issue.Code, issue.Path));
    }

    [Fact]
    public void Parse_CheckComparingGradeWithDate_IsRefusedWithItsPath()
    {
        var bad = ExampleFile.Replace("ae.onset < consent.date", "ae.grade > consent.date", StringComparison.Ordinal);

        var (_, issues) = ProtocolDefinitions.Parse(bad, "1");

        var issue = Assert.Single(issues);
        Assert.Equal((IssueCodes.CheckTypeMismatch, "checks[2].when"), (issue.Code, issue.Path));
        Assert.Contains("cannot compare a number in {grade} with a date", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CheckWithoutChineseMessage_IsRefused()
    {
        var bad = ExampleFile.Replace("\"zh-CN\": \"研究定义的核查：输注当日", "\"zh\": \"研究定义的核查：输注当日", StringComparison.Ordinal);

        var (_, issues) = ProtocolDefinitions.Parse(bad, "1");

        Assert.Equal([("checks[0].message.zh", IssueCodes.ProtocolUnknownField), ("checks[0].message.zh-CN", IssueCodes.ProtocolFieldMissing)],
            issues.Select(i => (i.Path, i.Code)));
    }

    [Fact]
    public void Catalogue_LabFields_CarryTheCanonicalUnit()
    {
        Assert.Equal(CheckType.Number("umol/L"), CheckFieldCatalogue.Find("lab.creatinine")!.Type);
        Assert.Equal(CheckType.Number("kg"), CheckFieldCatalogue.Find("enrolment.weight")!.Type);
    }
}
