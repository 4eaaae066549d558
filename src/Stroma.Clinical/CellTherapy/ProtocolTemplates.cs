namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// Visit windows for the built-in templates. None of the template sources publishes windows, so these are Stroma's
/// operational defaults (ASSUMED, not from the sources): ±7 days for events counted in months, ±1 day for events
/// counted in days after day 0, and day 0 exact (it anchors the schedule). A site sets its own.
/// </summary>
/// <param name="MonthlyWindow">Window of events whose offset is in calendar months.</param>
/// <param name="ShortWindow">Window of events whose offset is in days (other than day 0).</param>
public sealed record TemplateWindows(VisitWindow MonthlyWindow, VisitWindow ShortWindow)
{
    public static TemplateWindows Default { get; } = new(VisitWindow.PlusMinus(7), VisitWindow.PlusMinus(1));

    public VisitWindow For(ScheduleOffset offset) =>
        offset.Amount == 0 ? VisitWindow.Exact : offset.Unit == OffsetUnit.Months ? MonthlyWindow : ShortWindow;
}

/// <summary>
/// The seed's case 2 parameters the article does not give: the MSC and NK doses (no default: the site must set
/// them) and the interval between the five sessions (default one calendar month — an ASSUMPTION: five sessions
/// "over about four months" fits four monthly intervals).
/// </summary>
public sealed record SeedCase2Parameters(DoseRule MscDose, DoseRule NkDose, ScheduleOffset SessionInterval)
{
    public static SeedCase2Parameters Default { get; } = new(
        new DoseRule.NotSet("the seed's case 2 gives no MSC dose; the site must set it."),
        new DoseRule.NotSet("the seed's case 2 gives no NK-cell dose; the site must set it."),
        ScheduleOffset.Months(1));
}

/// <summary>The three built-in protocol templates of issue #6.</summary>
public static class ProtocolTemplates
{
    public const string SeedCase1Key = "seed_case_1";
    public const string Wang2014Key = "wang_2014";
    public const string SeedCase2Key = "seed_case_2";
    public const string CarTSleKey = "car_t_sle";

    /// <summary>The templates with default windows and parameters, in a stable order.</summary>
    public static IReadOnlyList<Protocol> All { get; } = [SeedCase1(), Wang2014(), SeedCase2(), CarTSle()];

    public static Protocol? Find(string key) => All.FirstOrDefault(p => p.Key == key);

    /// <summary>
    /// The seed's case 1: UC-MSC 5×10^7 cells IV, three infusions one calendar month apart (the patient's actual
    /// infusions were 2017-08-04, 2017-09-14 and 2017-10-12). No follow-up visits are defined: the case reports
    /// follow-up at each infusion.
    /// </summary>
    public static Protocol SeedCase1(TemplateWindows? windows = null)
    {
        var w = windows ?? TemplateWindows.Default;
        return new Protocol(SeedCase1Key, "Seed case 1: UC-MSC 5×10^7 cells IV, three infusions one month apart", "1",
            "UC-MSC 5×10^7 cells per infusion, intravenous, three infusions one calendar month apart (months 0, 1, 2). "
            + "Windows are Stroma defaults (assumed, not from the case).",
            "Stroma seed, case 1 (woman, 57, SLE since 2008)",
            [new ProtocolComponent("msc", "UC-MSC", new HashSet<CellProductType> { CellProductType.UmbilicalCordMsc },
                new DoseRule.Fixed(CellCount.Cells(5e7m)), AdministrationRoute.Intravenous)],
            [.. Enumerable.Range(0, 3).Select(i => Administration(i + 1, ScheduleOffset.Months(i), w))],
            [],
            DoseTolerance.Default,
            ["ASSUMED: visit windows (Stroma defaults: ±7 days; day 0 exact)."]);
    }

    /// <summary>
    /// Wang D et al. Umbilical cord mesenchymal stem cell transplantation in active and refractory systemic lupus
    /// erythematosus: a multicenter clinical study. Arthritis Res Ther 2014;16(2):R79 (doi 10.1186/ar4520).
    /// Confirmed from the abstract: allogeneic UC-MSC IV on day 0 and day 7; outcomes at 3, 6, 9 and 12 months.
    /// UNCONFIRMED (shipped as issue #6 states, flagged in <see cref="Protocol.Notes"/>): the dose 1×10^6 cells/kg
    /// per infusion and the 1-month visit.
    /// </summary>
    public static Protocol Wang2014(TemplateWindows? windows = null)
    {
        var w = windows ?? TemplateWindows.Default;
        PlannedVisit Visit(int months) => new($"month_{months}", $"Follow-up month {months}", ScheduleOffset.Months(months), w.For(ScheduleOffset.Months(months)));
        return new Protocol(Wang2014Key, "Wang 2014 multicentre UC-MSC study (Arthritis Res Ther 2014;16:R79)", "1",
            "Allogeneic UC-MSC IV on day 0 and day 7 (confirmed); 1×10^6 cells/kg per infusion (UNCONFIRMED against the paper); "
            + "follow-up at 1 (UNCONFIRMED), 3, 6, 9 and 12 months. Windows are Stroma defaults (assumed, not from the paper).",
            "Wang D, Li J, Zhang Y, et al. Arthritis Res Ther 2014;16(2):R79. doi:10.1186/ar4520",
            [new ProtocolComponent("msc", "UC-MSC", new HashSet<CellProductType> { CellProductType.UmbilicalCordMsc },
                new DoseRule.PerKilogram(CellDosePerKilogram.CellsPerKilogram(1e6m)), AdministrationRoute.Intravenous)],
            [Administration(1, ScheduleOffset.Days(0), w), Administration(2, ScheduleOffset.Days(7), w)],
            [Visit(1), Visit(3), Visit(6), Visit(9), Visit(12)],
            DoseTolerance.Default,
            [
                "UNCONFIRMED: dose 1×10^6 cells/kg per infusion (not checked against the paper's Methods).",
                "UNCONFIRMED: the 1-month follow-up visit (the abstract reports 3, 6, 9 and 12 months).",
                "ASSUMED: visit windows (Stroma defaults: ±7 days for monthly visits, ±1 day for day 7, day 0 exact).",
            ])
        {
            PublishedResults = Wang2014Published(),
        };
    }

    /// <summary>
    /// The figures Wang 2014 reports (abstract: 40 patients, survival 92.5% at 12 months, 13 major and 11 partial
    /// clinical responses, relapses in 3 patients at 9 and 4 at 12 months; as summarised in Chinese secondary material:
    /// 38 patients with active lupus nephritis, 24-h proteinuria 2.24 ± 1.43 g before and 1.41 ± 1.33 g at 12 months).
    /// </summary>
    private static PublishedResult[] Wang2014Published() =>
    [
        new("enrolled", "all", 0, "count", 40m, 0, Wang2014Citation),
        new("lupus_nephritis", "all", 0, "count", 38m, 0, Wang2014Citation, Wang2014Secondary),
        new("urine_protein_24h", "lupus_nephritis", 0, "mean", 2.24m, 2, Wang2014Citation, Wang2014Secondary),
        new("urine_protein_24h", "lupus_nephritis", 0, "sd", 1.43m, 2, Wang2014Citation, Wang2014Secondary),
        new("urine_protein_24h", "lupus_nephritis", 12, "mean", 1.41m, 2, Wang2014Citation, Wang2014Secondary),
        new("urine_protein_24h", "lupus_nephritis", 12, "sd", 1.33m, 2, Wang2014Citation, Wang2014Secondary),
        new("overall_survival", "all", 12, "proportion", 0.925m, 3, Wang2014Citation),
        new("MCR", "all", 12, "count", 13m, 0, Wang2014Citation),
        new("PCR", "all", 12, "count", 11m, 0, Wang2014Citation),
        new("relapse", "all", 9, "count", 3m, 0, Wang2014Citation),
        new("relapse", "all", 12, "count", 4m, 0, Wang2014Citation),
    ];

    private const string Wang2014Citation = "Wang D, Li J, Zhang Y, et al. Arthritis Res Ther 2014;16(2):R79. doi:10.1186/ar4520";

    private const string Wang2014Secondary =
        "UNCONFIRMED against the paper: the figure as a Chinese secondary summary of the study reports it (the paper's Results were not read).";

    /// <summary>
    /// The seed's case 2: MSC combined with NK cells, five sessions over about four months. The article gives neither
    /// doses nor the exact interval nor the MSC tissue source: doses are <see cref="DoseRule.NotSet"/> until the site
    /// sets them, the interval defaults to one calendar month (assumed), and any MSC type is accepted.
    /// </summary>
    public static Protocol SeedCase2(SeedCase2Parameters? parameters = null, TemplateWindows? windows = null)
    {
        var p = parameters ?? SeedCase2Parameters.Default;
        var w = windows ?? TemplateWindows.Default;
        var notes = new List<string>();
        if (p.MscDose is DoseRule.NotSet || p.NkDose is DoseRule.NotSet)
        {
            notes.Add("SITE MUST SET: the MSC and NK-cell doses (the case gives none).");
        }

        if (p.SessionInterval == SeedCase2Parameters.Default.SessionInterval)
        {
            notes.Add("ASSUMED: one calendar month between sessions (five sessions over about four months).");
        }

        notes.Add("ASSUMED: any MSC tissue source (the case says only \"MSC\").");
        notes.Add("ASSUMED: visit windows (Stroma defaults: ±7 days for monthly events; day 0 exact).");
        return new Protocol(SeedCase2Key, "Seed case 2: MSC combined with NK cells, five sessions over about four months", "1",
            $"MSC and NK cells given together, intravenous, five sessions {p.SessionInterval.Amount} {p.SessionInterval.Unit.ToString().ToLowerInvariant()} apart. "
            + "Doses, interval and MSC source are site parameters: the case gives none of them.",
            "Stroma seed, case 2 (woman, 40, SLE with lupus nephritis, admitted 2015-09-26)",
            [
                new ProtocolComponent("msc", "MSC", CellProductTypes.Msc, p.MscDose, AdministrationRoute.Intravenous),
                new ProtocolComponent("nk", "NK cells", new HashSet<CellProductType> { CellProductType.NkCells }, p.NkDose, AdministrationRoute.Intravenous),
            ],
            [.. Enumerable.Range(0, 5).Select(i => Administration(i + 1, p.SessionInterval.Times(i), w))],
            [],
            DoseTolerance.Default,
            notes);
    }

    /// <summary>
    /// CD19 CAR-T in refractory SLE (issue #20), a starting point a site copies: leukapheresis, manufacturing with the
    /// lot's release tests, bridging therapy, lymphodepletion with fludarabine and cyclophosphamide, one infusion on
    /// day 0, daily CRS/ICANS assessments to day 14, visits on days 21 and 28 and at months 3, 6 and 12, yearly
    /// examinations to year 5 and yearly contacts to year 15. Confirmed from the abstracts (Mackensen A et al. Nat Med
    /// 2022;28:2124-32; Müller F et al. N Engl J Med 2024;390:687-700): autologous lentiviral anti-CD19 CAR T cells, a
    /// single infusion after fludarabine and cyclophosphamide, 1×10^6 CAR T cells/kg in the 2022 series. The doses per
    /// m², their days and the cell dose are not set (site data: trials differ, and the doses were not read in a
    /// primary source); the CRS and ICANS grading is ASTCT 2019; the follow-up length follows the FDA 2020 guidance
    /// on long-term follow-up (<see cref="LongTermFollowUp"/>).
    /// </summary>
    public static Protocol CarTSle(TemplateWindows? windows = null)
    {
        var w = windows ?? TemplateWindows.Default;
        string[] toxicity = [Scoring.CrsAstct2019.Instrument.Key, Scoring.IcansAstct2019.Instrument.Key];
        string[] lupus = [Scoring.Sledai2k.Instrument.Key, Scoring.Pga.Instrument.Key];
        Labs.LabPanel[] daily = [Labs.LabPanel.BloodCount, Labs.LabPanel.Liver, Labs.LabPanel.Kidney];
        Labs.LabPanel[] visit = [Labs.LabPanel.BloodCount, Labs.LabPanel.Immunoglobulins, Labs.LabPanel.Complement, Labs.LabPanel.Autoantibodies, Labs.LabPanel.Kidney, Labs.LabPanel.UrineProtein];
        var followUps = new List<PlannedVisit>();
        for (var day = 1; day <= 14; day++)
        {
            followUps.Add(new PlannedVisit($"day_{day}", $"Day {day} assessment (CRS, ICANS, blood count)", ScheduleOffset.Days(day), VisitWindow.Exact)
            {
                Instruments = toxicity,
                LabPanels = daily,
            });
        }

        foreach (var day in new[] { 21, 28 })
        {
            followUps.Add(new PlannedVisit($"day_{day}", $"Day {day} visit", ScheduleOffset.Days(day), w.For(ScheduleOffset.Days(day)))
            {
                Instruments = day == 28 ? [.. toxicity, .. lupus, Scoring.IcahtClinician.Instrument.Key] : [.. toxicity, .. lupus],
                LabPanels = visit,
            });
        }

        foreach (var months in new[] { 3, 6 })
        {
            followUps.Add(new PlannedVisit($"month_{months}", $"Month {months} visit", ScheduleOffset.Months(months), w.For(ScheduleOffset.Months(months)))
            {
                Instruments = months == 3 ? [.. lupus, Scoring.IcahtClinician.Instrument.Key] : lupus,
                LabPanels = visit,
            });
        }

        for (var year = 1; year <= LongTermFollowUp.Years; year++)
        {
            var offset = ScheduleOffset.Months(12 * year);
            var examination = year <= LongTermFollowUp.ExaminationYears;
            followUps.Add(new PlannedVisit(
                year == 1 ? "month_12" : examination ? $"year_{year}" : $"ltfu_year_{year}",
                year == 1 ? "Month 12 visit (long-term follow-up year 1)"
                    : examination ? $"Year {year} visit (long-term follow-up)" : $"Long-term follow-up contact, year {year}",
                offset, w.For(offset))
            {
                Kind = examination ? FollowUpKind.Visit : FollowUpKind.Contact,
                Instruments = examination ? lupus : [],
                LabPanels = examination ? visit : [],
                Collects = LongTermFollowUp.Collects,
            });
        }

        return new Protocol(CarTSleKey, "CD19 CAR-T in refractory SLE: one infusion after lymphodepletion, 15-year follow-up", "1",
            "Autologous anti-CD19 CAR T cells (lentiviral vector): leukapheresis, manufacturing and release, bridging therapy if needed, "
            + "lymphodepletion with fludarabine and cyclophosphamide (doses per m² and days set by the site), one intravenous infusion on day 0 "
            + "(CAR+ cells/kg set by the site), daily CRS and ICANS grading (ASTCT 2019) to day 14, visits on days 21 and 28 and at months 3, 6 "
            + "and 12, yearly examinations to year 5 and yearly contacts to year 15 (FDA 2020 long-term follow-up).",
            "Mackensen A et al. Nat Med 2022;28(10):2124-32 (doi 10.1038/s41591-022-02017-5); Müller F et al. N Engl J Med 2024;390(8):687-700 "
            + "(doi 10.1056/NEJMoa2308917); Lee DW et al. Biol Blood Marrow Transplant 2019;25:625-38; FDA/CBER, Long Term Follow-up After "
            + "Administration of Human Gene Therapy Products, January 2020",
            [new ProtocolComponent("car_t", "CAR-T cells", new HashSet<CellProductType> { CellProductType.CarT },
                new DoseRule.NotSet("trials in SLE use different CAR+ cell doses per kg (1×10^6/kg in Mackensen 2022; escalations from 0.1 to 1.0×10^6/kg in trial registries); the site must set it."),
                AdministrationRoute.Intravenous)],
            [new PlannedAdministration(1, ScheduleOffset.Days(0), VisitWindow.Exact)],
            followUps,
            DoseTolerance.Default,
            [
                "SITE MUST SET: the CAR+ cell dose per kg, and each lymphodepleting drug's dose per m² and days relative to the infusion.",
                "UNCONFIRMED: fludarabine 25 mg/m²/day on days -5 to -3 and cyclophosphamide 1000 mg/m² on day -3 (Erlangen protocol, secondary summary only; not set here).",
                "ASSUMED: visits on days 21 and 28; yearly examinations to year 5 then yearly contacts to year 15 (the 15 years and the 5 years of examinations read at second hand from the FDA 2020 guidance).",
                "ASSUMED: visit windows (Stroma defaults: daily assessments exact, ±1 day for days 21 and 28, ±7 days for monthly and yearly events; day 0 exact).",
                "Body surface area by Mosteller 1987 (the site may choose Du Bois 1916); its rounding or capping is the site's.",
            ])
        {
            CarT = new CarTPlan(
                [
                    new PreparationStep("leukapheresis", "Leukapheresis", "Collection of the patient's T cells: date, volume processed, cells collected; the start of the lot's chain of custody."),
                    new PreparationStep("manufacturing", "Manufacturing", "CAR-T manufacture from the apheresis product to the released lot (lot number, dates, release tests below)."),
                    new PreparationStep("bridging", "Bridging therapy", "Treatment given between leukapheresis and lymphodepletion, if any: drug, dose, dates."),
                ],
                [
                    new ReleaseTestPlan("viability", "Viability"),
                    new ReleaseTestPlan("car_expression", "CAR expression (CAR+ T cells)"),
                    new ReleaseTestPlan("vector_copy_number", "Vector copy number"),
                    new ReleaseTestPlan("sterility", "Sterility"),
                    new ReleaseTestPlan("endotoxin", "Endotoxin"),
                    new ReleaseTestPlan("mycoplasma", "Mycoplasma"),
                    new ReleaseTestPlan("replication_competent_virus", "Replication-competent lentivirus/retrovirus"),
                ],
                [
                    new LymphodepletionAgent("fludarabine", "Fludarabine", null, []),
                    new LymphodepletionAgent("cyclophosphamide", "Cyclophosphamide", null, []),
                ],
                BsaFormula.Mosteller),
        };
    }

    private static PlannedAdministration Administration(int number, ScheduleOffset offset, TemplateWindows w) => new(number, offset, w.For(offset));
}
