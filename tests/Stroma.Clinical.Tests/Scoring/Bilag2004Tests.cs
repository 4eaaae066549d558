// Sources: BILAG-2004 form revision 1 Sep 2009 and glossary (supplement to Isenberg DA et al. Rheumatology
// 2005;44:902-6; items 70-97 as in docs/sources/bilag-2004.md); numeric scheme A=12, B=8, C=1, D=0, E=0 from
// Yee CS et al. Rheumatology 2010;49:1665-9; overall grade = highest system grade from Yee CS et al. Arthritis Rheum
// 2007;56:4113-19. Grades are physician-entered: the per-system grading rules are UNCONFIRMED and not implemented.
using CsCheck;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Clinical.Tests.Scoring;

public class Bilag2004Tests
{
    private static readonly BilagSystem[] AllSystems = Enum.GetValues<BilagSystem>();

    private static Dictionary<BilagSystem, BilagGrade> AllGrades(BilagGrade grade) => AllSystems.ToDictionary(s => s, _ => grade);

    private static Dictionary<BilagSystem, bool> AllInvolved(bool involved) => AllSystems.ToDictionary(s => s, _ => involved);

    /// <summary>Every system graded D with past involvement and no items: valid, total 0.</summary>
    private static Bilag2004Input QuietInput() =>
        new(new Dictionary<string, Bilag2004ItemRecord>(), AllGrades(BilagGrade.D)) { EverInvolvedBefore = AllInvolved(true) };

    private static Bilag2004Input With(Bilag2004Input input, BilagSystem system, BilagGrade grade, params (string Key, Bilag2004ItemRecord Record)[] items)
    {
        var grades = new Dictionary<BilagSystem, BilagGrade>(input.Grades) { [system] = grade };
        var records = new Dictionary<string, Bilag2004ItemRecord>(input.Items);
        foreach (var (key, record) in items)
        {
            records[key] = record;
        }

        return input with { Items = records, Grades = grades };
    }

    private static Bilag2004ItemRecord State(Bilag2004ItemState s) => Bilag2004ItemRecord.OfState(s);

    // ---- the form ----

    [Fact]
    public void Items_Are97NumberedInFormOrder()
    {
        Assert.Equal(97, Bilag2004.Items.Count);
        Assert.Equal(Enumerable.Range(1, 97), Bilag2004.Items.Select(i => i.Number));
        Assert.Equal(97, Bilag2004.Items.Select(i => i.Key).Distinct().Count());
        Assert.All(Bilag2004.Items, i => Assert.Matches("^[a-z][a-z0-9_]*$", i.Key));
    }

    [Theory]
    [InlineData(BilagSystem.Constitutional, 4, 1, 4)]
    [InlineData(BilagSystem.Mucocutaneous, 14, 5, 18)]
    [InlineData(BilagSystem.Neuropsychiatric, 20, 19, 38)]
    [InlineData(BilagSystem.Musculoskeletal, 5, 39, 43)]
    [InlineData(BilagSystem.Cardiorespiratory, 12, 44, 55)]
    [InlineData(BilagSystem.Gastrointestinal, 9, 56, 64)]
    [InlineData(BilagSystem.Ophthalmic, 13, 65, 77)]
    [InlineData(BilagSystem.Renal, 12, 78, 89)]
    [InlineData(BilagSystem.Haematological, 8, 90, 97)]
    public void Items_PerSystem_HaveFormCountAndNumbers(BilagSystem system, int count, int first, int last)
    {
        var numbers = Bilag2004.Items.Where(i => i.System == system).Select(i => i.Number).ToList();

        Assert.Equal(count, numbers.Count);
        Assert.Equal(count, Bilag2004.ItemCounts[system]);
        Assert.Equal(Enumerable.Range(first, last - first + 1), numbers);
    }

    public static TheoryData<int, string, Bilag2004ItemKind, string?> KnownItems => new()
    {
        { 1, "pyrexia", Bilag2004ItemKind.State, null },
        { 18, "splinter_haemorrhages", Bilag2004ItemKind.State, null },
        { 37, "lupus_headache", Bilag2004ItemKind.State, null },
        { 43, "arthritis_mild_arthralgia_myalgia", Bilag2004ItemKind.State, null },
        { 55, "coronary_vasculitis", Bilag2004ItemKind.State, null },
        { 64, "acute_lupus_pancreatitis", Bilag2004ItemKind.State, null },
        { 77, "anterior_ischaemic_optic_neuropathy", Bilag2004ItemKind.State, null },
        { 78, "systolic_bp", Bilag2004ItemKind.Value, "mmHg" },
        { 79, "diastolic_bp", Bilag2004ItemKind.Value, "mmHg" },
        { 80, "accelerated_hypertension", Bilag2004ItemKind.YesNoOrState, null },
        { 81, "urine_dipstick_protein", Bilag2004ItemKind.Value, "0–3 (+ = 1, ++ = 2, +++ = 3)" },
        { 82, "urine_acr", Bilag2004ItemKind.Value, "mg/mmol" },
        { 83, "urine_pcr", Bilag2004ItemKind.Value, "mg/mmol" },
        { 84, "urine_protein_24h", Bilag2004ItemKind.Value, "g (24 h)" },
        { 85, "nephrotic_syndrome", Bilag2004ItemKind.YesNoOrState, null },
        { 86, "creatinine", Bilag2004ItemKind.Value, "µmol/L" },
        { 87, "gfr", Bilag2004ItemKind.Value, "mL/min/1.73 m²" },
        { 88, "active_urinary_sediment", Bilag2004ItemKind.YesNoOrState, null },
        { 89, "active_nephritis", Bilag2004ItemKind.YesNoOrState, null },
        { 90, "haemoglobin", Bilag2004ItemKind.Value, "g/dL" },
        { 91, "white_cell_count", Bilag2004ItemKind.Value, "×10⁹/L" },
        { 92, "neutrophils", Bilag2004ItemKind.Value, "×10⁹/L" },
        { 93, "lymphocytes", Bilag2004ItemKind.Value, "×10⁹/L" },
        { 94, "platelets", Bilag2004ItemKind.Value, "×10⁹/L" },
        { 95, "ttp", Bilag2004ItemKind.YesNoOrState, null },
        { 96, "active_haemolysis", Bilag2004ItemKind.YesNoOrState, null },
        { 97, "coombs_positive_isolated", Bilag2004ItemKind.YesNoOrState, null },
    };

    [Theory]
    [MemberData(nameof(KnownItems))]
    public void Item_HasFormNumberKindAndUnit(int number, string key, Bilag2004ItemKind kind, string? unit)
    {
        var item = Bilag2004.Item(number);

        Assert.Equal(key, item.Key);
        Assert.Equal(kind, item.Kind);
        Assert.Equal(unit, item.UnitDisplay);
        Assert.Same(item, Bilag2004.Find(key));
    }

    [Fact]
    public void Items_KindsAreStateUpTo77_ThenValuesAndUnconfirmed()
    {
        int[] values = [78, 79, 81, 82, 83, 84, 86, 87, 90, 91, 92, 93, 94];
        int[] unconfirmed = [80, 85, 88, 89, 95, 96, 97];

        Assert.All(Bilag2004.Items.Where(i => i.Number <= 77), i => Assert.Equal(Bilag2004ItemKind.State, i.Kind));
        Assert.Equal(values, Bilag2004.Items.Where(i => i.Kind == Bilag2004ItemKind.Value).Select(i => i.Number));
        Assert.Equal(unconfirmed, Bilag2004.Items.Where(i => i.Kind == Bilag2004ItemKind.YesNoOrState).Select(i => i.Number));
        Assert.All(Bilag2004.Items.Where(i => i.Kind == Bilag2004ItemKind.Value),
            i => Assert.Equal(i.Key + "_due_to_sle", i.ConfirmationKey));
    }

    [Fact]
    public void Docs_ListEveryItemWithItsNumberAndKey()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "instruments", "bilag2004.md"));

        Assert.All(Bilag2004.Items, i => Assert.Contains($"| {i.Number} | `{i.Key}` |", doc, StringComparison.Ordinal));
        Assert.All(Bilag2004.Instrument.Items, i => Assert.Contains($"`{i.Key}`", doc, StringComparison.Ordinal));
    }

    // ---- numeric conversion (Yee 2010) ----

    [Theory]
    [InlineData(BilagGrade.A, 12)]
    [InlineData(BilagGrade.B, 8)]
    [InlineData(BilagGrade.C, 1)]
    [InlineData(BilagGrade.D, 0)]
    [InlineData(BilagGrade.E, 0)]
    public void NumericValue_IsYee2010Scheme(BilagGrade grade, int expected)
    {
        Assert.Equal(expected, Bilag2004.NumericValue(grade));
    }

    [Fact]
    public void Score_AllInactive_IsZero()
    {
        var result = Bilag2004.Score(QuietInput());

        Assert.True(result.IsValid);
        Assert.Equal(0, result.Total);
        Assert.Equal(0, result.RenalNumeric);
        Assert.Equal(BilagGrade.D, result.OverallGrade);
        Assert.Equal("physician-entered", result.GradeSource);
        Assert.Contains("A=12, B=8, C=1, D=0, E=0", result.NumericScheme, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_AllA_Is108()
    {
        var items = Bilag2004.Items.ToDictionary(i => i.Key, i => i.Kind == Bilag2004ItemKind.Value
            ? Bilag2004ItemRecord.OfValue(1m, true)
            : State(Bilag2004ItemState.New));

        var result = Bilag2004.Score(new Bilag2004Input(items, AllGrades(BilagGrade.A)));

        Assert.True(result.IsValid, string.Join("; ", result.Issues));
        Assert.Equal(108, result.Total);
        Assert.Equal(Bilag2004.MaximumTotal, result.Total);
        Assert.Equal(12, result.RenalNumeric);
        Assert.Equal(BilagGrade.A, result.OverallGrade);
    }

    [Fact]
    public void Score_RenalNumeric_IsTheRenalSystemValue()
    {
        var input = With(QuietInput(), BilagSystem.Renal, BilagGrade.B, ("active_urinary_sediment", Bilag2004ItemRecord.OfYesNo(true)));
        input = With(input, BilagSystem.Mucocutaneous, BilagGrade.C);

        var result = Bilag2004.Score(input);

        Assert.True(result.IsValid);
        Assert.Equal(8, result.RenalNumeric);
        Assert.Equal(9, result.Total);
        Assert.Equal(BilagGrade.B, result.OverallGrade);
    }

    // ---- consistency rules ----

    [Theory]
    [InlineData(BilagGrade.A)]
    [InlineData(BilagGrade.B)]
    public void Score_AOrBWithEveryItemInactive_IsBLG001(BilagGrade grade)
    {
        var input = With(QuietInput(), BilagSystem.Mucocutaneous, grade,
            ("skin_eruption_severe", State(Bilag2004ItemState.NotPresent)),
            ("skin_eruption_mild", State(Bilag2004ItemState.NotDone)));

        var result = Bilag2004.Score(input);

        Assert.False(result.IsValid);
        var issue = Assert.Single(result.Issues, i => i.IsError);
        Assert.Equal(IssueCodes.BilagGradeWithoutActivity, issue.Code);
        Assert.Equal("grade_mucocutaneous", issue.Path);
    }

    [Theory]
    [InlineData(Bilag2004ItemState.Improving)]
    [InlineData(Bilag2004ItemState.Same)]
    [InlineData(Bilag2004ItemState.Worse)]
    [InlineData(Bilag2004ItemState.New)]
    public void Score_AWithAnActiveState_IsValid(Bilag2004ItemState state)
    {
        var input = With(QuietInput(), BilagSystem.Mucocutaneous, BilagGrade.A,
            ("skin_eruption_severe", State(state)), ("skin_eruption_mild", State(Bilag2004ItemState.NotPresent)));

        var result = Bilag2004.Score(input);

        Assert.True(result.IsValid);
        Assert.Equal(12, result.Total);
    }

    [Fact]
    public void Score_RenalAWithOnlyAnUnconfirmedValue_IsBLG001WithBLG009Warning()
    {
        var input = With(QuietInput(), BilagSystem.Renal, BilagGrade.A, ("urine_pcr", Bilag2004ItemRecord.OfValue(300m, null)));

        var result = Bilag2004.Score(input);

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagGradeWithoutActivity && i.IsError);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagValueWithoutConfirmation && i.Severity == Severity.Warning && i.Path == "urine_pcr_due_to_sle");
    }

    [Fact]
    public void Score_RenalAWithValueNotDueToSle_IsBLG001()
    {
        var input = With(QuietInput(), BilagSystem.Renal, BilagGrade.A,
            ("systolic_bp", Bilag2004ItemRecord.OfValue(150m, false)), ("active_nephritis", Bilag2004ItemRecord.OfYesNo(false)));

        var result = Bilag2004.Score(input);

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagGradeWithoutActivity);
    }

    [Fact]
    public void Score_RenalAWithValueDueToSle_IsValid()
    {
        var input = With(QuietInput(), BilagSystem.Renal, BilagGrade.A, ("urine_pcr", Bilag2004ItemRecord.OfValue(300m, true)));

        var result = Bilag2004.Score(input);

        Assert.True(result.IsValid);
        Assert.True(result[BilagSystem.Renal].HasActivity);
        Assert.Equal(12, result.RenalNumeric);
    }

    [Fact]
    public void Score_ConfirmationWithoutValue_IsBLG008()
    {
        var input = With(QuietInput(), BilagSystem.Haematological, BilagGrade.D, ("platelets", Bilag2004ItemRecord.OfValue(null, true)));

        var result = Bilag2004.Score(input);

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagConfirmationWithoutValue && i.IsError && i.Path == "platelets_due_to_sle");
    }

    [Fact]
    public void Score_AWithNoItemsRecorded_IsValidWithBLG006Warning()
    {
        var input = With(QuietInput(), BilagSystem.Neuropsychiatric, BilagGrade.A);

        var result = Bilag2004.Score(input);

        Assert.True(result.IsValid);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagGradeNotCheckedAgainstItems && i.Path == "grade_neuropsychiatric");
        Assert.False(result[BilagSystem.Neuropsychiatric].ItemsRecorded);
    }

    [Fact]
    public void Score_CWithEveryItemInactive_IsAccepted()
    {
        // Only A and B are checked against items; no confirmed rule ties C to item activity.
        var input = With(QuietInput(), BilagSystem.Constitutional, BilagGrade.C, ("anorexia", State(Bilag2004ItemState.NotPresent)));

        Assert.True(Bilag2004.Score(input).IsValid);
    }

    [Fact]
    public void Score_DWithPastInvolvementNo_IsBLG002()
    {
        var input = QuietInput() with
        {
            EverInvolvedBefore = new Dictionary<BilagSystem, bool>(AllInvolved(true)) { [BilagSystem.Ophthalmic] = false },
        };

        var result = Bilag2004.Score(input);

        var issue = Assert.Single(result.Issues, i => i.IsError);
        Assert.Equal(IssueCodes.BilagGradeDWithoutPastInvolvement, issue.Code);
        Assert.Equal("grade_ophthalmic", issue.Path);
    }

    [Fact]
    public void Score_DWithPastInvolvementUnknown_IsBLG010()
    {
        var involved = AllInvolved(true);
        involved.Remove(BilagSystem.Ophthalmic);

        var result = Bilag2004.Score(QuietInput() with { EverInvolvedBefore = involved });

        var issue = Assert.Single(result.Issues, i => i.IsError);
        Assert.Equal(IssueCodes.BilagPastInvolvementUnknown, issue.Code);
        Assert.Equal("ever_involved_ophthalmic", issue.Path);
    }

    [Fact]
    public void Score_DWithPastInvolvementFromPreviousGrade_IsValid()
    {
        var input = new Bilag2004Input(new Dictionary<string, Bilag2004ItemRecord>(), AllGrades(BilagGrade.D))
        {
            PreviousGrades = AllGrades(BilagGrade.C),
        };

        Assert.True(Bilag2004.Score(input).IsValid);
    }

    [Fact]
    public void Score_ENoPastNoActivity_IsValid()
    {
        var input = new Bilag2004Input(
            Bilag2004.Items.ToDictionary(i => i.Key, i => i.Kind == Bilag2004ItemKind.Value
                ? Bilag2004ItemRecord.OfValue(null, null)
                : State(Bilag2004ItemState.NotPresent)),
            AllGrades(BilagGrade.E))
        { EverInvolvedBefore = AllInvolved(false) };

        var result = Bilag2004.Score(input);

        Assert.True(result.IsValid);
        Assert.Empty(result.Issues);
        Assert.Equal(0, result.Total);
        Assert.Equal(BilagGrade.E, result.OverallGrade);
    }

    [Fact]
    public void Score_EWithPastInvolvement_IsBLG003()
    {
        var input = QuietInput() with { Grades = AllGrades(BilagGrade.D) };
        input = With(input, BilagSystem.Gastrointestinal, BilagGrade.E);

        var result = Bilag2004.Score(input);

        var issue = Assert.Single(result.Issues, i => i.IsError);
        Assert.Equal(IssueCodes.BilagGradeEWithPastInvolvement, issue.Code);
        Assert.Equal("grade_gastrointestinal", issue.Path);
    }

    [Fact]
    public void Score_EWhenPreviousVisitWasB_IsBLG003()
    {
        var input = new Bilag2004Input(new Dictionary<string, Bilag2004ItemRecord>(), AllGrades(BilagGrade.E))
        {
            EverInvolvedBefore = AllInvolved(false),
            PreviousGrades = new Dictionary<BilagSystem, BilagGrade>(AllGrades(BilagGrade.E)) { [BilagSystem.Renal] = BilagGrade.B },
        };

        var result = Bilag2004.Score(input);

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagGradeEWithPastInvolvement && i.Path == "grade_renal");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagPastInvolvementContradictsPreviousGrade && i.Path == "ever_involved_renal");
    }

    [Fact]
    public void Score_EWithCurrentActivity_IsBLG004()
    {
        var input = new Bilag2004Input(
            new Dictionary<string, Bilag2004ItemRecord> { ["pleurisy_pericarditis"] = State(Bilag2004ItemState.New) },
            AllGrades(BilagGrade.E))
        { EverInvolvedBefore = AllInvolved(false) };

        var result = Bilag2004.Score(input);

        var issue = Assert.Single(result.Issues, i => i.IsError);
        Assert.Equal(IssueCodes.BilagGradeEWithCurrentActivity, issue.Code);
        Assert.Equal("grade_cardiorespiratory", issue.Path);
    }

    [Fact]
    public void Score_EWithPastInvolvementUnknown_IsBLG010()
    {
        var input = new Bilag2004Input(new Dictionary<string, Bilag2004ItemRecord>(), AllGrades(BilagGrade.E));

        var result = Bilag2004.Score(input);

        Assert.Equal(9, result.Issues.Count(i => i.Code == IssueCodes.BilagPastInvolvementUnknown));
    }

    [Fact]
    public void Score_MissingGrade_IsAProgrammerError()
    {
        var grades = AllGrades(BilagGrade.D);
        grades.Remove(BilagSystem.Renal);

        Assert.Throws<ArgumentException>(() => Bilag2004.Score(new Bilag2004Input(new Dictionary<string, Bilag2004ItemRecord>(), grades)));
    }

    [Fact]
    public void Score_RecordOfWrongShape_IsAProgrammerError()
    {
        var items = new Dictionary<string, Bilag2004ItemRecord> { ["pyrexia"] = Bilag2004ItemRecord.OfYesNo(true) };

        Assert.Throws<ArgumentException>(() => Bilag2004.Score(QuietInput() with { Items = items }));
    }

    // ---- new A / new B ----

    [Theory]
    [InlineData(BilagGrade.A, BilagGrade.B, true, false)]
    [InlineData(BilagGrade.A, BilagGrade.C, true, false)]
    [InlineData(BilagGrade.A, BilagGrade.D, true, false)]
    [InlineData(BilagGrade.A, BilagGrade.E, true, false)]
    [InlineData(BilagGrade.A, BilagGrade.A, false, false)]
    [InlineData(BilagGrade.B, BilagGrade.C, false, true)]
    [InlineData(BilagGrade.B, BilagGrade.D, false, true)]
    [InlineData(BilagGrade.B, BilagGrade.E, false, true)]
    [InlineData(BilagGrade.B, BilagGrade.B, false, false)]
    [InlineData(BilagGrade.B, BilagGrade.A, false, false)]
    [InlineData(BilagGrade.C, BilagGrade.E, false, false)]
    [InlineData(BilagGrade.D, BilagGrade.A, false, false)]
    public void Score_NewAAndNewB_AgainstPreviousGrade(BilagGrade now, BilagGrade before, bool newA, bool newB)
    {
        var input = With(QuietInput(), BilagSystem.Renal, now, ("active_nephritis", Bilag2004ItemRecord.OfYesNo(true))) with
        {
            PreviousGrades = new Dictionary<BilagSystem, BilagGrade>(AllGrades(BilagGrade.D)) { [BilagSystem.Renal] = before },
        };

        var result = Bilag2004.Score(input);

        Assert.True(result.IsValid, string.Join("; ", result.Issues));
        IEnumerable<BilagSystem> expectedA = newA ? [BilagSystem.Renal] : [];
        IEnumerable<BilagSystem> expectedB = newB ? [BilagSystem.Renal] : [];
        Assert.Equal(expectedA, result.NewA!);
        Assert.Equal(expectedB, result.NewB!);
        Assert.Empty(result.NotComparable);
    }

    [Fact]
    public void Score_NoPreviousGrades_NewAAndNewBAreUnknown()
    {
        var result = Bilag2004.Score(QuietInput());

        Assert.Null(result.NewA);
        Assert.Null(result.NewB);
    }

    [Fact]
    public void Score_PreviousGradeMissingForASystem_IsNotComparableWithBLG007()
    {
        var previous = AllGrades(BilagGrade.D);
        previous.Remove(BilagSystem.Musculoskeletal);
        var input = With(QuietInput(), BilagSystem.Musculoskeletal, BilagGrade.A, ("arthritis_severe", State(Bilag2004ItemState.New))) with
        {
            PreviousGrades = previous,
        };

        var result = Bilag2004.Score(input);

        Assert.True(result.IsValid);
        Assert.Equal([BilagSystem.Musculoskeletal], result.NotComparable);
        Assert.Empty(result.NewA!);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagPreviousGradeMissing && i.Path == "previous_grade_musculoskeletal");
    }

    // ---- properties ----

    [Fact]
    public void NumericValue_WorseGrade_NeverLower()
    {
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 4]).Sample((a, b) =>
        {
            var worse = (BilagGrade)Math.Min(a, b);
            var better = (BilagGrade)Math.Max(a, b);
            return Bilag2004.NumericValue(worse) >= Bilag2004.NumericValue(better);
        });
    }

    private static readonly Gen<BilagGrade[]> GradeSets = Gen.Int[0, 4].Select(i => (BilagGrade)i).Array[9];

    private static Bilag2004Input FromGrades(BilagGrade[] grades) =>
        new(new Dictionary<string, Bilag2004ItemRecord>(), AllSystems.ToDictionary(s => s, s => grades[(int)s]))
        {
            EverInvolvedBefore = AllSystems.ToDictionary(s => s, s => grades[(int)s] != BilagGrade.E),
        };

    [Fact]
    public void Score_TotalIsSumWithinRange_AndOverallIsWorstGrade()
    {
        GradeSets.Sample(grades =>
        {
            var result = Bilag2004.Score(FromGrades(grades));
            return result.IsValid
                && result.Total >= 0 && result.Total <= 108
                && result.Total == grades.Sum(Bilag2004.NumericValue)
                && result.OverallGrade == grades.Min()
                && result.RenalNumeric == Bilag2004.NumericValue(grades[(int)BilagSystem.Renal]);
        });
    }

    [Fact]
    public void Score_MakingOneSystemWorse_NeverLowersTheTotal()
    {
        Gen.Select(GradeSets, Gen.Int[0, 8]).Sample((grades, index) =>
        {
            var before = Bilag2004.Score(FromGrades(grades)).Total;
            var worse = (BilagGrade[])grades.Clone();
            worse[index] = (BilagGrade)Math.Max(0, (int)grades[index] - 1);
            var after = Bilag2004.Score(FromGrades(worse)).Total;
            return after >= before;
        });
    }

    // ---- the IInstrument adapter ----

    private static Dictionary<string, ItemValue> DGrades() =>
        AllSystems.SelectMany(s => new[]
        {
            KeyValuePair.Create("grade_" + Bilag2004.SystemKey(s), ItemValue.Of("d")),
            KeyValuePair.Create("ever_involved_" + Bilag2004.SystemKey(s), ItemValue.Of(true)),
        }).ToDictionary();

    [Fact]
    public void Instrument_IsRegisteredInCatalog()
    {
        Assert.Same(Bilag2004.Instrument, InstrumentCatalog.Find("bilag2004"));
        Assert.Equal(97 + 13 + 27 + 2, Bilag2004.Instrument.Items.Count);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("worse")]
    [InlineData("yes")]
    public void Instrument_BadStateValue_IsINP005(string value)
    {
        var record = DGrades();
        record["pyrexia"] = ItemValue.Of(value);

        var result = Bilag2004.Instrument.Score(record);

        Assert.False(result.IsValid);
        Assert.Null(result.Total);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.NotAChoice && i.Path == "pyrexia");
    }

    [Theory]
    [InlineData("F")]
    [InlineData("12")]
    public void Instrument_BadGrade_IsINP005(string grade)
    {
        var record = DGrades();
        record["grade_renal"] = ItemValue.Of(grade);

        var result = Bilag2004.Instrument.Score(record);

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.NotAChoice && i.Path == "grade_renal");
    }

    [Fact]
    public void Instrument_MissingGrade_IsINP002()
    {
        var record = DGrades();
        record.Remove("grade_ophthalmic");

        var result = Bilag2004.Instrument.Score(record);

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.MissingItem && i.Path == "grade_ophthalmic");
    }

    [Fact]
    public void Instrument_HaemoglobinInGramsPerLitre_IsINP004()
    {
        var record = DGrades();
        record["haemoglobin"] = ItemValue.Of(120m);
        record["urine_dipstick_protein"] = ItemValue.Of(1.5m);

        var result = Bilag2004.Instrument.Score(record);

        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "haemoglobin");
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.OutOfRange && i.Path == "urine_dipstick_protein");
    }

    [Fact]
    public void Instrument_UnknownKey_IsINP001()
    {
        var record = DGrades();
        record["grade_renall"] = ItemValue.Of("a");

        Assert.Contains(Bilag2004.Instrument.Score(record).Issues, i => i.Code == IssueCodes.UnknownItem && i.Path == "grade_renall");
    }

    [Fact]
    public void Instrument_ConsistencyError_GivesNoScore()
    {
        var record = DGrades();
        record["grade_mucocutaneous"] = ItemValue.Of("A");
        record["skin_eruption_severe"] = ItemValue.Of(0m);

        var result = Bilag2004.Instrument.Score(record);

        Assert.False(result.IsValid);
        Assert.Null(result.Total);
        Assert.Contains(result.Issues, i => i.Code == IssueCodes.BilagGradeWithoutActivity);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("nd", false)]
    [InlineData("0", false)]
    [InlineData("1", true)]
    [InlineData("4", true)]
    public void Instrument_UnconfirmedKindItem_AcceptsYesNoOrState(string text, bool showsActivity)
    {
        // Haematological graded E (never affected): valid only when item 96 shows no activity.
        var record = DGrades();
        record["grade_haematological"] = ItemValue.Of("e");
        record["ever_involved_haematological"] = ItemValue.Of(false);
        record["active_haemolysis"] = ItemValue.Of(text);

        var result = Bilag2004.Instrument.Score(record);

        Assert.DoesNotContain(result.Issues, i => i.Code == IssueCodes.NotAChoice);
        Assert.Equal(showsActivity, result.Issues.Any(i => i.Code == IssueCodes.BilagGradeEWithCurrentActivity && i.Path == "grade_haematological"));
        Assert.Equal(!showsActivity, result.IsValid);
    }

    [Fact]
    public void Instrument_WorkedExample_FromDocs_Is15WithNewARenal()
    {
        // docs/instruments/bilag2004.md worked example.
        var record = new Dictionary<string, ItemValue>
        {
            ["id"] = ItemValue.Of("v2"),
            ["skin_eruption_mild"] = ItemValue.Of("2"),
            ["arthritis_mild_arthralgia_myalgia"] = ItemValue.Of("1"),
            ["urine_pcr"] = ItemValue.Of(250m),
            ["urine_pcr_due_to_sle"] = ItemValue.Of(true),
            ["active_urinary_sediment"] = ItemValue.Of("yes"),
            ["lymphocytes"] = ItemValue.Of(0.8m),
            ["lymphocytes_due_to_sle"] = ItemValue.Of(true),
            ["grade_constitutional"] = ItemValue.Of("d"),
            ["grade_mucocutaneous"] = ItemValue.Of("c"),
            ["grade_neuropsychiatric"] = ItemValue.Of("e"),
            ["grade_musculoskeletal"] = ItemValue.Of("c"),
            ["grade_cardiorespiratory"] = ItemValue.Of("d"),
            ["grade_gastrointestinal"] = ItemValue.Of("e"),
            ["grade_ophthalmic"] = ItemValue.Of("e"),
            ["grade_renal"] = ItemValue.Of("a"),
            ["grade_haematological"] = ItemValue.Of("c"),
            ["ever_involved_neuropsychiatric"] = ItemValue.Of(false),
            ["ever_involved_gastrointestinal"] = ItemValue.Of(false),
            ["ever_involved_ophthalmic"] = ItemValue.Of(false),
            ["previous_grade_constitutional"] = ItemValue.Of("d"),
            ["previous_grade_mucocutaneous"] = ItemValue.Of("c"),
            ["previous_grade_neuropsychiatric"] = ItemValue.Of("e"),
            ["previous_grade_musculoskeletal"] = ItemValue.Of("b"),
            ["previous_grade_cardiorespiratory"] = ItemValue.Of("d"),
            ["previous_grade_gastrointestinal"] = ItemValue.Of("e"),
            ["previous_grade_ophthalmic"] = ItemValue.Of("e"),
            ["previous_grade_renal"] = ItemValue.Of("b"),
            ["previous_grade_haematological"] = ItemValue.Of("d"),
            ["graded_by"] = ItemValue.Of("Dr Li"),
        };

        var result = Bilag2004.Instrument.Score(record);

        Assert.True(result.IsValid, string.Join("; ", result.Issues));
        Assert.Equal(15m, result.Total);
        Assert.Equal("A", result.Grade);
        Assert.Equal(new Subtotal("renal", "Renal", 12m, "A"), result.Subtotals.Single(s => s.Key == "renal"));
        Assert.Equal(9 + 2, result.Subtotals.Count);
        Assert.Equal(new Subtotal("new_a", "Systems with a new A since the previous visit", 1m, "renal"), result.Subtotals.Single(s => s.Key == "new_a"));
        Assert.Equal(0m, result.Subtotals.Single(s => s.Key == "new_b").Value);
        Assert.Equal(["gastrointestinal", "neuropsychiatric", "ophthalmic"],
            result.Issues.Where(i => i.Code == IssueCodes.BilagGradeNotCheckedAgainstItems).Select(i => i.Path["grade_".Length..]).Order());
        Assert.Equal(3, result.Issues.Count);
        Assert.Contains("physician-entered", result.Algorithm, StringComparison.Ordinal);
        Assert.Contains("by Dr Li", result.Explanation, StringComparison.Ordinal);
        Assert.All(result.Contributions, c => Assert.Contains("physician-entered", c.Note!, StringComparison.Ordinal));
    }
}
