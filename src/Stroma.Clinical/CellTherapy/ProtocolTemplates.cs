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

    /// <summary>The templates with default windows and parameters, in a stable order.</summary>
    public static IReadOnlyList<Protocol> All { get; } = [SeedCase1(), Wang2014(), SeedCase2()];

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

    private static PlannedAdministration Administration(int number, ScheduleOffset offset, TemplateWindows w) => new(number, offset, w.For(offset));
}
