using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;
using Stroma.Cli.Commands;
using Stroma.Cli.Injection;
using Stroma.Cli.Io;

namespace Stroma.Cli;

/// <summary>Builds the <c>stroma</c> command tree and maps failures onto the documented exit codes.</summary>
public static class StromaCli
{
    /// <summary>Runs one command line against <paramref name="io"/>; "now" comes from <paramref name="clock"/> (the system clock by default).</summary>
    public static int Run(string[] args, CliIo io, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(io);
        var app = new CommandApp(new TypeRegistrar(Services(io, clock ?? TimeProvider.System)));
        app.Configure(config =>
        {
            config.SetApplicationName("stroma");
            config.ConfigureConsole(AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(io.Out),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
            }));
            config.PropagateExceptions();
            config.AddCommand<ScoreCommand>("score")
                .WithDescription("Score assessments (JSON Lines or CSV) with a validated SLE instrument.")
                .WithExample("score", "sledai2k", "visits.jsonl")
                .WithExample("score", "sdi", "--format", "csv", "damage.csv")
                .WithExample("score", "--list");
            config.AddBranch("db", db =>
            {
                db.SetDescription("Registry database administration.");
                db.AddCommand<DbMigrateCommand>("migrate")
                    .WithDescription("Create the database if needed (SQLite) and apply pending migrations.");
                db.AddCommand<DbUnlockCommand>("unlock")
                    .WithDescription("SQLite: remove the migration lock a killed 'db migrate' left behind (DAT007); refused while another connection writes (DAT008).")
                    .WithExample("db", "unlock", "--database", "registry.db");
            });
            config.AddBranch("audit", audit =>
            {
                audit.SetDescription("The tamper-evident audit trail.");
                audit.AddCommand<AuditVerifyCommand>("verify")
                    .WithDescription("Recompute the audit hash chain and report the first broken link; --anchor FILE: check a signed anchor; --data: the ledger check.")
                    .WithExample("audit", "verify", "--data", "--anchor", "anchors/anchor.json", "--key-file", "/etc/stroma/anchor.key");
                audit.AddCommand<AuditAnchorCommand>("anchor")
                    .WithDescription("Write the audit chain's head, signed with a key kept outside the database, to a file or directory.")
                    .WithExample("audit", "anchor", "--out", "/mnt/anchors", "--key-env", "STROMA_ANCHOR_KEY");
            });
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Fill an empty registry with the seed cases and a synthetic 2014-study cohort.")
                .WithExample("demo", "--patients", "100000", "--seed", "7");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Export tidy CSV tables and a wide per-visit analysis table.")
                .WithExample("export", "--format", "csv", "out");
            config.AddCommand<BackupCommand>("backup")
                .WithDescription("Write a consistent snapshot of the registry to FILE.");
            config.AddCommand<RestoreCommand>("restore")
                .WithDescription("Restore a backup into an empty database (SQLite or PostgreSQL).");
            config.AddBranch("import", import =>
            {
                import.SetDescription("Bulk loads.");
                import.AddCommand<ImportLabsCommand>("labs")
                    .WithDescription("Load lab results (CSV) through the engine's fast path, with a reject file.")
                    .WithExample("import", "labs", "labs.csv", "--partial");
                import.AddCommand<ImportHl7Command>("hl7")
                    .WithDescription("Load HL7 v2 ORU^R01 lab results (a file or a directory) through the lab import's path, with an ACK per message.")
                    .WithExample("import", "hl7", "results/", "--site", "S1", "--ack-dir", "acks");
                import.AddCommand<ImportOdmCommand>("odm")
                    .WithDescription("Load a CDISC ODM 1.3.2 file (as stroma export --format odm writes it) into an empty registry, all or nothing.")
                    .WithExample("import", "odm", "study.xml");
            });
            config.AddBranch("hl7", hl7 =>
            {
                hl7.SetDescription("HL7 v2 lab results in: hospital identifiers, local codes, an MLLP listener (docs/interop.md).");
                hl7.AddCommand<Hl7LinkCommand>("link")
                    .WithDescription("Link a hospital identifier (PID-3) to a study patient of a site.")
                    .WithExample("hl7", "link", "--site", "S1", "--patient", "S1-001", "--identifier", "MRN-0042", "--authority", "GHH");
                hl7.AddCommand<Hl7MapCodeCommand>("map-code")
                    .WithDescription("Map a laboratory's local test code (OBX-3) to a catalogue analyte for a site.")
                    .WithExample("hl7", "map-code", "--site", "S1", "--code", "CREA", "--system", "99GHH", "--analyte", "creatinine");
                hl7.AddCommand<Hl7ListenCommand>("listen")
                    .WithDescription("Receive ORU^R01 messages over MLLP and answer each with its ACK, until stopped.")
                    .WithExample("hl7", "listen", "--port", "2575", "--site", "S1");
            });
            config.AddBranch("protocol", protocol =>
            {
                protocol.SetDescription("Cell-therapy protocols: built-in templates, stored versions (draft, approved), their calendars.");
                protocol.AddCommand<ProtocolListCommand>("list")
                    .WithDescription("List the built-in templates and, with a database, every stored protocol version and its status.");
                protocol.AddCommand<ProtocolShowCommand>("show")
                    .WithDescription("Show one protocol version as text or as its canonical JSON definition.")
                    .WithExample("protocol", "show", "wang_2014", "--format", "json");
                protocol.AddCommand<ProtocolDefineCommand>("define")
                    .WithDescription("Store a JSON or YAML definition (docs/protocol.schema.json) as a draft version.")
                    .WithExample("protocol", "define", "site_msc_nk.yaml");
                protocol.AddCommand<ProtocolCopyCommand>("copy")
                    .WithDescription("Copy a built-in template as a site protocol draft, setting doses its source does not give.")
                    .WithExample("protocol", "copy", "seed_case_2", "site_msc_nk", "--dose", "msc=1e6/kg", "--dose", "nk=1e7");
                protocol.AddCommand<ProtocolApproveCommand>("approve")
                    .WithDescription("Approve a draft version with an e-signature (signer: --user); it never changes afterwards.")
                    .WithExample("protocol", "approve", "site_msc_nk", "--version", "1", "--meaning", "approved");
                protocol.AddCommand<ProtocolScheduleCommand>("schedule")
                    .WithDescription("Print a template's calendar of administrations and visits from a start date.")
                    .WithExample("protocol", "schedule", "wang_2014", "--start", "2024-01-31", "--weight", "58");
            });
            config.AddBranch("lot", lot =>
            {
                lot.SetDescription("Cell-product lots: registration, release testing, signed release or rejection, chain of custody.");
                lot.AddCommand<LotRegisterCommand>("register")
                    .WithDescription("Register a manufactured lot (in quarantine).")
                    .WithExample("lot", "register", "UC-2017-001", "--type", "uc_msc", "--donor", "D-017", "--tissue", "umbilical cord", "--manufacturer", "GMP lab",
                        "--manufactured", "2017-07-20", "--expires", "2018-07-19", "--cells", "2e8", "--concentration", "2e6", "--viability", "95", "--volume", "100",
                        "--location", "LN2 tank 1");
                lot.AddCommand<LotTestCommand>("test")
                    .WithDescription("Record release test results (key=value; met/not_met for qualitative tests).")
                    .WithExample("lot", "test", "UC-2017-001", "--tested", "2017-07-27", "cd73=98.5", "cd45=0.4", "sterility=met");
                lot.AddCommand<LotReleaseCommand>("release")
                    .WithDescription("Release a lot in quarantine whose results pass the ISCT specification with the site's limits (signed by --user).")
                    .WithExample("lot", "release", "UC-2017-001", "--meaning", "QA release for clinical use", "--viability-limit", "70", "--endotoxin-limit", "5", "--spec-version", "site-1");
                lot.AddCommand<LotRejectCommand>("reject")
                    .WithDescription("Reject a lot in quarantine (signed by --user, with a reason).");
                lot.AddCommand<LotCustodyCommand>("custody")
                    .WithDescription("Append a chain-of-custody event (checked against the whole chain).")
                    .WithExample("lot", "custody", "UC-2017-001", "--event", "shipped", "--at", "2017-08-03T08:00+08:00", "--place", "GMP lab", "--person", "courier");
            });
            config.AddBranch("site", site =>
            {
                site.SetDescription("Participating sites.");
                site.AddCommand<SiteAddCommand>("add")
                    .WithDescription("Add a site (hospital) and its first laboratory.")
                    .WithExample("site", "add", "CR", "--name", "Case-report hospital", "--country", "CN");
            });
            config.AddBranch("patient", patient =>
            {
                patient.SetDescription("Patients.");
                patient.AddCommand<PatientRegisterCommand>("register")
                    .WithDescription("Register a patient at a site with the consent (enrolling on a protocol is 'stroma enrol').")
                    .WithExample("patient", "register", "CR-002", "--site", "CR", "--sex", "female", "--birth-year", "1975", "--consent-version", "1", "--consent-date", "2015-09-28");
            });
            config.AddCommand<EnrolCommand>("enrol")
                .WithDescription("Enrol a patient on an approved protocol version (a template or a stored protocol) and generate the calendar.")
                .WithExample("enrol", "S1-001", "--protocol", "wang_2014", "--start", "2024-03-01", "--consent-signed", "2024-02-20");
            config.AddCommand<ReconsentCommand>("reconsent")
                .WithDescription("Move an enrolment to a newer approved protocol version with the patient's re-consent.")
                .WithExample("reconsent", "S1-001", "--protocol", "site_msc_nk", "--version", "2", "--consent-signed", "2024-06-01");
            config.AddCommand<ScheduleCommand>("schedule")
                .WithDescription("A patient's calendar with done / out-of-window / missed marks; --move reschedules an event (history kept).")
                .WithExample("schedule", "S1-001", "--as-of", "2024-07-01");
            config.AddBranch("checks", checks =>
            {
                checks.SetDescription("Edit checks declared in protocol versions (docs/data-quality.md).");
                checks.AddCommand<ChecksRunCommand>("run")
                    .WithDescription("Run the checks over the registry: print each finding and open a query for each new soft one.")
                    .WithExample("checks", "run", "--site", "S1", "--format", "json");
            });
            config.AddBranch("medication", medication =>
            {
                medication.SetDescription("Medication courses recorded at a visit (docs/cli.md).");
                medication.AddCommand<MedicationAddCommand>("add")
                    .WithDescription("Record a medication course at a visit (refused under a signed visit).")
                    .WithExample("medication", "add", "S1-001", "--visit", "2024-08-01", "--drug", "prednisone", "--class", "glucocorticoid", "--dose", "10", "--unit", "mg",
                        "--frequency", "daily", "--prednisone-equivalent", "10", "--start", "2024-08-01");
                medication.AddCommand<MedicationStopCommand>("stop")
                    .WithDescription("Record the stop date of a running course.")
                    .WithExample("medication", "stop", "S1-001", "--drug", "prednisone", "--stop", "2024-10-01", "--reason", "tapered off");
                medication.AddCommand<MedicationListCommand>("list")
                    .WithDescription("The patient's medication courses.")
                    .WithExample("medication", "list", "S1-001");
            });
            config.AddBranch("sdv", sdv =>
            {
                sdv.SetDescription("Source data verification marks (docs/data-quality.md).");
                sdv.AddCommand<SdvMarkCommand>("mark")
                    .WithDescription("Mark a visit (or one of its fields) source-data-verified, signed by --user (a monitor of the site).")
                    .WithExample("sdv", "mark", "S1-001", "--visit", "2024-08-01", "--user", "monitor.li");
                sdv.AddCommand<SdvListCommand>("list")
                    .WithDescription("Coverage per site (verified visits of all visits) and the marks on the sites --user may read.")
                    .WithExample("sdv", "list", "--site", "S1", "--user", "monitor.li");
            });
            config.AddCommand<DueCommand>("due")
                .WithDescription("The sites' worklist: administrations and follow-up visits due within the horizon or overdue, per patient.")
                .WithExample("due", "--site", "S1", "--within", "14d", "--format", "json");
            config.AddCommand<InfuseCommand>("infuse")
                .WithDescription("Record an infusion after the pre-checks (lot released and in date, product type, dose, consent).")
                .WithExample("infuse", "S1-001", "--lot", "UC-2024-001", "--event", "administration_1", "--start", "2024-03-01T09:00+08:00", "--dose", "5.8e7", "--weight", "58");
            config.AddCommand<LymphodepletionCommand>("lymphodepletion")
                .WithDescription("Record the lymphodepletion given on a CAR-T enrolment: each drug's dose per m² and days relative to the infusion, BSA from height and weight.")
                .WithExample("lymphodepletion", "S1-CART-1", "--height", "165", "--weight", "58", "--measured", "2024-03-01", "--drug", "fludarabine=25@-5,-4,-3", "--drug", "cyclophosphamide=1000@-3");
            config.AddCommand<LymphodepletionCorrectCommand>("lymphodepletion-correct")
                .WithDescription("Correct a recorded lymphodepletion drug (dose per m², days, height, weight, date measured, BSA formula) with a reason; the old values kept in the audit trail.")
                .WithExample("lymphodepletion-correct", "S1-CART-1", "--drug", "fludarabine", "--dose", "30", "--reason", "transcription error");
            config.AddCommand<ContactCommand>("contact")
                .WithDescription("Record a follow-up contact (clinic visit or phone call): patient-reported change in rash, sleep, fatigue, pain; adverse reaction.")
                .WithExample("contact", "S1-001", "--date", "2024-06-03", "--mode", "phone", "--event", "month_3", "--rash", "better", "--sleep", "better");
            config.AddCommand<AdverseEventCommand>("ae")
                .WithDescription("Record an adverse event: CTCAE v5.0 grade, seriousness, relatedness to the product and suspect lot, expectedness, outcome.")
                .WithExample("ae", "S1-002", "--term", "Herpes zoster", "--category", "infection", "--onset", "2024-10-18", "--grade", "2", "--relatedness", "not_related", "--outcome", "recovered");
            config.AddBranch("trace", trace =>
            {
                trace.SetDescription("Traceability between lots and patients.");
                trace.AddCommand<TraceLotCommand>("lot")
                    .WithDescription("Every patient who received a lot, with infusion dates and adverse events.");
                trace.AddCommand<TracePatientCommand>("patient")
                    .WithDescription("Every lot a patient received, with custody history.");
            });
            config.AddBranch("labs", labs =>
            {
                labs.SetDescription("Lab results: catalog, units, reference ranges, flags, eGFR, SLEDAI-2K/BILAG-2004 suggestions.");
                labs.AddCommand<LabsInterpretCommand>("interpret")
                    .WithDescription("Normalise and flag lab results (CSV or JSON Lines); derive eGFR, UPCR, 24-h protein; suggest SLEDAI-2K descriptors.")
                    .WithExample("labs", "interpret", "results.csv", "--format", "csv", "--ranges", "site-ranges.csv");
                labs.AddCommand<LabsCorrectCommand>("correct")
                    .WithDescription("Correct a stored lab result (value, unit, printed range) with a reason; normalised and flagged again, the old values kept in the audit trail.")
                    .WithExample("labs", "correct", "S1-001", "--analyte", "creatinine", "--specimen-time", "2024-01-15T08:30+08:00", "--value", "92", "--unit", "umol/L", "--range", "45-84", "--reason", "transcription error");
                labs.AddCommand<LabsCatalogCommand>("catalog")
                    .WithDescription("Print the analyte catalog (LOINC, units, cited conversions); --ranges adds the default ranges.");
            });
            config.AddCommand<AdjudicateCommand>("adjudicate")
                .WithDescription("Record an investigator's adjudicated clinical response (MCR, PCR, NR or relapse) for one patient and date.")
                .WithExample("adjudicate", "--site", "S1", "--patient", "S1-001", "--date", "2011-07-01", "--months", "6", "--category", "pcr", "--basis", "protocol criteria", "--visit", "month_6");
            config.AddBranch("report", report =>
            {
                report.SetDescription("Reports from the registry.");
                report.AddCommand<ReportStudyCommand>("study")
                    .WithDescription("The cohort's results section: flow, baseline, measures by month with paired tests, responses, Kaplan-Meier, adverse events, charts.")
                    .WithExample("report", "study", "--protocol", "wang_2014", "--site", "S1", "--format", "html", "--out", "report.html");
            });
            config.AddBranch("stats", stats =>
            {
                stats.SetDescription("Statistics equal to R's (survival 3.5, stats): Kaplan-Meier, log-rank, Cox, paired tests, McNemar, binomial intervals.");
                stats.AddCommand<StatsKmCommand>("km")
                    .WithDescription("Kaplan-Meier table, medians and log-rank test from a CSV file.")
                    .WithExample("stats", "km", "lung.csv", "--time", "time", "--event", "status", "--group", "sex");
                stats.AddCommand<StatsCoxCommand>("cox")
                    .WithDescription("Cox proportional hazards model from a CSV file.")
                    .WithExample("stats", "cox", "lung.csv", "--time", "time", "--event", "status", "--covariate", "age", "--covariate", "sex");
                stats.AddCommand<StatsPairedCommand>("paired")
                    .WithDescription("Descriptives, paired t-test and Wilcoxon signed-rank test of after - before.")
                    .WithExample("stats", "paired", "proteinuria.csv", "--before", "baseline", "--after", "month12");
                stats.AddCommand<StatsMcNemarCommand>("mcnemar")
                    .WithDescription("McNemar's test of a paired binary outcome (corrected, uncorrected and exact).")
                    .WithExample("stats", "mcnemar", "response.csv", "--before", "month0", "--after", "month12");
                stats.AddCommand<StatsCiCommand>("ci")
                    .WithDescription("Clopper-Pearson and Wilson confidence intervals for x of n.")
                    .WithExample("stats", "ci", "--x", "13", "--n", "40");
            });
        });

        try
        {
            var code = app.Run(StandardInputArgument.Protect(StatsCiCommand.NormaliseArguments(args)));
            return code;
        }
        catch (CommandAppException ex)
        {
            io.Error.WriteLine($"stroma: {ex.Message}");
            io.Error.WriteLine("Run 'stroma --help' for usage.");
            return ExitCodes.Usage;
        }
        catch (Stroma.Data.RegistryNotMigratedException ex)
        {
            // A PostgreSQL registry behind this version's schema: the message names 'stroma db migrate'.
            io.Error.WriteLine($"stroma: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (Stroma.Data.MigrationLockException ex)
        {
            // From 'db migrate', 'db unlock' or any command's automatic migration of a SQLite registry.
            io.Error.WriteLine($"stroma: {ex.Issue}");
            return ExitCodes.InvalidInput;
        }
#pragma warning disable CA1031 // The one place that catches everything: report without a stack trace.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            io.Error.WriteLine($"stroma: unexpected error ({ex.GetType().Name}): {ex.Message}");
            return ExitCodes.Unexpected;
        }
        finally
        {
            io.Out.Flush();
            io.Error.Flush();
        }
    }

    /// <summary>The services a command may take in its constructor; Spectre.Console.Cli adds the commands themselves.</summary>
    internal static ServiceCollection Services(CliIo io, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddSingleton(io);
        services.AddSingleton(clock);
        return services;
    }
}
