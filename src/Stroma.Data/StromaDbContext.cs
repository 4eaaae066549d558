using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Stroma.Data.Audit;
using Stroma.Data.Model;

namespace Stroma.Data;

/// <summary>
/// The one model of the registry. It is the same on both engines; the two thin subclasses
/// (<see cref="SqliteStromaDbContext"/>, <see cref="PostgresStromaDbContext"/>) exist only so each engine has its
/// own migration set (EF Core's documented "multiple providers" pattern). Create contexts with
/// <see cref="StromaDatabase.CreateContext"/>.
/// </summary>
public abstract class StromaDbContext : DbContext
{
    protected StromaDbContext(DbContextOptions options)
        : base(options)
    {
        SavingChanges += (_, _) =>
        {
            if (ReadOnly)
            {
                throw new InvalidOperationException("This context reads from a read replica; every write goes to the primary.");
            }
        };
        SavingChanges += (_, _) => global::Stroma.Data.Protocols.ProtocolVersionGuard.Check(this);
        SavingChanges += (_, _) => global::Stroma.Data.Visits.VisitLock.Check(this);
        SavingChanges += (_, _) => global::Stroma.Data.Quality.SourceDataVerification.ClearOnChange(this);
    }

    /// <summary>Who is making changes through this context (the "who" of the audit trail).</summary>
    public string Actor { get; set; } = "system";

    /// <summary>The clock for audit timestamps and deletion times.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Why the next save changes saved clinical data; required for such changes, cleared after each save.</summary>
    public string? ChangeReason { get; set; }

    /// <summary>
    /// Whether soft edit checks open queries when records are saved (<see cref="Quality.SaveChecks"/>,
    /// <see cref="Quality.ImportChecks"/>). Off only while an ODM file is imported: its <c>F.QUERY</c> forms are the queries,
    /// as they stood, and a query opened by the import itself would be one the source never had, dated at the import.
    /// </summary>
    public bool OpenCheckQueries { get; set; } = true;

    /// <summary>A context on a read replica (<see cref="StromaDatabase.CreateReadOnlyContext"/>): saving through it fails.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Set only by restore, which copies rows (audit trail included) exactly as they were.</summary>
    internal bool BypassAudit { get; set; }

    public DbSet<Site> Sites => Set<Site>();

    public DbSet<Laboratory> Laboratories => Set<Laboratory>();

    public DbSet<PatientIdentifier> PatientIdentifiers => Set<PatientIdentifier>();

    public DbSet<LabCodeMapping> LabCodeMappings => Set<LabCodeMapping>();

    public DbSet<User> Users => Set<User>();

    public DbSet<Membership> Memberships => Set<Membership>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<Diagnosis> Diagnoses => Set<Diagnosis>();

    public DbSet<Visit> Visits => Set<Visit>();

    public DbSet<Assessment> Assessments => Set<Assessment>();

    public DbSet<LabResult> LabResults => Set<LabResult>();

    public DbSet<Medication> Medications => Set<Medication>();

    public DbSet<AdverseEvent> AdverseEvents => Set<AdverseEvent>();

    public DbSet<Death> Deaths => Set<Death>();

    public DbSet<ResponseAdjudication> ResponseAdjudications => Set<ResponseAdjudication>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<CellLotRecord> CellLots => Set<CellLotRecord>();

    public DbSet<LotReleaseTest> LotReleaseTests => Set<LotReleaseTest>();

    public DbSet<LotDecision> LotDecisions => Set<LotDecision>();

    public DbSet<CustodyEventRecord> CustodyEvents => Set<CustodyEventRecord>();

    public DbSet<ProtocolEnrolment> ProtocolEnrolments => Set<ProtocolEnrolment>();

    public DbSet<ScheduledEventRecord> ScheduledEvents => Set<ScheduledEventRecord>();

    public DbSet<ScheduleChangeRecord> ScheduleChanges => Set<ScheduleChangeRecord>();

    public DbSet<Infusion> Infusions => Set<Infusion>();

    public DbSet<InfusionVitalSigns> InfusionVitalSigns => Set<InfusionVitalSigns>();

    public DbSet<InfusionPremedication> InfusionPremedications => Set<InfusionPremedication>();

    public DbSet<InfusionReactionRecord> InfusionReactions => Set<InfusionReactionRecord>();

    public DbSet<FollowUpContact> FollowUpContacts => Set<FollowUpContact>();

    public DbSet<LymphodepletionRecord> Lymphodepletions => Set<LymphodepletionRecord>();

    public DbSet<ProtocolDeviationRecord> ProtocolDeviations => Set<ProtocolDeviationRecord>();

    public DbSet<ProtocolRecord> Protocols => Set<ProtocolRecord>();

    public DbSet<ProtocolVersionRecord> ProtocolVersions => Set<ProtocolVersionRecord>();

    public DbSet<QueryRecord> Queries => Set<QueryRecord>();

    public DbSet<QueryStepRecord> QuerySteps => Set<QueryStepRecord>();

    public DbSet<SdvMark> SdvMarks => Set<SdvMark>();

    /// <summary>Marks a clinical record deleted (the only way to delete one); saved with the reason in the audit trail.</summary>
    public void MarkDeleted(ClinicalRecord record, string reason)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        record.DeletedAt = Clock.GetUtcNow();
        record.DeletedBy = Actor;
        record.DeletionReason = reason;
        ChangeReason ??= reason;
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Enums are stored by name: readable in exports and raw SQL, stable across engines and reordering.
        configurationBuilder.Properties<SiteRole>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<Stroma.Clinical.Labs.Sex>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DiagnosisKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<VisitKind>().HaveConversion<string>().HaveMaxLength(16);
        // The one lab-flag enum is Stroma.Clinical's LabFlag; "no flag" is stored as "Unknown", as before it replaced the
        // data layer's own copy of the enum, so stored rows and exports keep their text.
        configurationBuilder.Properties<Stroma.Clinical.Labs.LabFlag>().HaveConversion<Stroma.Data.Labs.LabFlagText>().HaveMaxLength(16);
        configurationBuilder.Properties<MedicationClass>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<Causality>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.CellProductType>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.StorageCondition>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.LotStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.ReleaseVerdict>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.CustodyEventKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.ScheduledEventKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.CtcaeGrade>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.SeriousnessCriteria>().HaveConversion<string>().HaveMaxLength(160);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.Expectedness>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.CellTherapy.DeviationKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<VitalSignPhase>().HaveConversion<string>().HaveMaxLength(8);
        configurationBuilder.Properties<ContactMode>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ReportedChange>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<Stroma.Clinical.Outcomes.ClinicalResponseCategory>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<ProtocolVersionStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<QueryStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<QueryStepKind>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<decimal>().HavePrecision(18, 6);
        // Every instant is stored in UTC with microseconds (StoredInstant), so no feature truncates by hand.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<StoredInstantConverter>();
        // Foreign keys whose referencing rows are never looked up by them keep the constraint but no index.
        configurationBuilder.Conventions.Remove<Microsoft.EntityFrameworkCore.Metadata.Conventions.ForeignKeyIndexConvention>();
        configurationBuilder.Conventions.Add(services => new UnindexedForeignKeys(services.GetRequiredService<Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure.ProviderConventionSetBuilderDependencies>()));
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<Site>(e =>
        {
            e.HasIndex(x => x.Code).IsUnique();
            e.Property(x => x.Code).HasMaxLength(32);
            e.Property(x => x.Country).HasMaxLength(2);
        });
        modelBuilder.Entity<Laboratory>(e =>
        {
            e.HasIndex(x => new { x.SiteId, x.Code }).IsUnique();
            e.Property(x => x.Code).HasMaxLength(32);
        });
        modelBuilder.Entity<PatientIdentifier>(e =>
        {
            e.HasIndex(x => new { x.SiteId, x.Authority, x.Identifier }).IsUnique();
            e.Property(x => x.Identifier).HasMaxLength(64);
            e.Property(x => x.Authority).HasMaxLength(64);
        });
        modelBuilder.Entity<LabCodeMapping>(e =>
        {
            e.HasIndex(x => new { x.SiteId, x.CodingSystem, x.Code }).IsUnique();
            e.Property(x => x.CodingSystem).HasMaxLength(32);
            e.Property(x => x.Code).HasMaxLength(64);
            e.Property(x => x.Analyte).HasMaxLength(64);
        });
        modelBuilder.Entity<User>(e =>
        {
            e.HasIndex(x => x.UserName).IsUnique();
            e.HasIndex(x => x.NormalizedUserName).IsUnique();
            e.Property(x => x.UserName).HasMaxLength(128);
            e.Property(x => x.NormalizedUserName).HasMaxLength(128);
            e.Property(x => x.Language).HasMaxLength(16);
            e.Property(x => x.AuthenticatorKey).HasMaxLength(64);
            e.Property(x => x.RecoveryCodeHashes).HasMaxLength(1024);
        });
        modelBuilder.Entity<Membership>(e => e.HasIndex(x => new { x.UserId, x.SiteId, x.Role, x.StartDate }).IsUnique());
        modelBuilder.Entity<ApiToken>(e =>
        {
            e.HasIndex(x => x.Prefix).IsUnique();
            e.HasIndex(x => x.UserId);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Prefix).HasMaxLength(32);
            e.Property(x => x.SecretHash).HasMaxLength(64);
        });
        modelBuilder.Entity<Patient>(e =>
        {
            e.HasIndex(x => new { x.SiteId, x.StudyId }).IsUnique();
            // The patient list counts and pages the live (not deleted) patients of a site in study-id order: a partial
            // index makes both an index-only scan, instead of reading every patient row on each page.
            e.HasIndex(x => new { x.SiteId, x.StudyId }, "IX_patients_live_site_study").HasFilter("deleted_at IS NULL");
            e.Property(x => x.StudyId).HasMaxLength(64);
        });
        modelBuilder.Entity<Visit>(e =>
        {
            e.HasIndex(x => new { x.PatientId, x.VisitDate });
            e.Property(x => x.SignedBy).HasMaxLength(128);
            e.Property(x => x.SignedByName).HasMaxLength(256);
            e.Property(x => x.SignatureMeaning).HasMaxLength(512);
        });
        modelBuilder.Entity<Assessment>(e =>
        {
            e.HasIndex(x => new { x.PatientId, x.Instrument, x.AssessmentDate });
            // One assessment per instrument per visit (issue #16): a second is a correction of the first, with a reason.
            e.HasIndex(x => new { x.VisitId, x.Instrument }, "IX_assessments_visit_instrument").IsUnique().HasFilter("deleted_at IS NULL");
            // The study report's access path (issue #22): one index-only range scan per instrument yielding (visit, total, renal
            // subtotal and grade), where the table's rows carry each result's whole JSON (about 4 KB each). deleted_at (always
            // null here) is in it because SQLite covers a query only with every column it names, the filter's included.
            e.HasIndex(x => new { x.Instrument, x.VisitId, x.Total, x.RenalSubtotal, x.RenalGrade, x.DeletedAt }, "IX_assessments_report").HasFilter("deleted_at IS NULL");
        });
        modelBuilder.Entity<LabResult>(e =>
        {
            // The natural key that makes imports idempotent.
            e.HasIndex(x => new { x.PatientId, x.Analyte, x.SpecimenTime }).IsUnique();
            // The study report's access path: one index-only range scan per analyte yielding (visit, value) (StudyReportBuilder).
            // deleted_at (always null here) is in it so that SQLite covers the read too (issue #22; as IX_assessments_report).
            e.HasIndex(x => new { x.Analyte, x.VisitId, x.NormalisedValue, x.DeletedAt }, "IX_lab_results_report").HasFilter("deleted_at IS NULL");
            e.Property(x => x.Analyte).HasMaxLength(64);
            e.Property(x => x.Note).HasMaxLength(LabResult.NoteMaxLength);
        });
        modelBuilder.Entity<Medication>(e =>
        {
            e.HasIndex(x => new { x.PatientId, x.StartDate });
            e.HasIndex(x => x.VisitId);
        });
        modelBuilder.Entity<AdverseEvent>(e => e.HasIndex(x => new { x.PatientId, x.OnsetDate }));
        modelBuilder.Entity<Death>(e => e.HasIndex(x => x.PatientId).IsUnique());
        modelBuilder.Entity<CellLotRecord>(e =>
        {
            e.HasIndex(x => x.LotNumber).IsUnique();
            e.HasIndex(x => x.SiteId);
            e.Property(x => x.LotNumber).HasMaxLength(64);
            // Cell counts reach 10^10 and more: keep 28 digits.
            e.Property(x => x.TotalCells).HasPrecision(28, 4);
            e.Property(x => x.CellsPerMillilitre).HasPrecision(28, 4);
        });
        modelBuilder.Entity<LotReleaseTest>(e => e.HasIndex(x => new { x.LotId, x.TestKey }));
        modelBuilder.Entity<LotDecision>(e => e.HasIndex(x => x.LotId));
        modelBuilder.Entity<CustodyEventRecord>(e => e.HasIndex(x => new { x.LotId, x.At }));
        modelBuilder.Entity<ProtocolEnrolment>(e => e.HasIndex(x => new { x.PatientId, x.ProtocolKey }));
        modelBuilder.Entity<ScheduledEventRecord>(e => e.HasIndex(x => new { x.EnrolmentId, x.EventKey }).IsUnique());
        modelBuilder.Entity<ScheduleChangeRecord>(e => e.HasIndex(x => new { x.EnrolmentId, x.ChangedAt }));
        modelBuilder.Entity<Infusion>(e =>
        {
            e.HasIndex(x => new { x.PatientId, x.InfusionDate });
            // One live infusion per administration and product, even if two users record it at once.
            e.HasIndex(x => new { x.EnrolmentId, x.EventKey, x.ComponentKey }).IsUnique().HasFilter("deleted_at IS NULL");
            e.HasIndex(x => x.LotId);
            e.Property(x => x.DoseCells).HasPrecision(28, 4);
        });
        modelBuilder.Entity<InfusionVitalSigns>(e => e.HasIndex(x => x.InfusionId));
        modelBuilder.Entity<InfusionPremedication>(e => e.HasIndex(x => x.InfusionId));
        modelBuilder.Entity<InfusionReactionRecord>(e => e.HasIndex(x => x.InfusionId));
        modelBuilder.Entity<FollowUpContact>(e => e.HasIndex(x => new { x.PatientId, x.ContactDate }));
        modelBuilder.Entity<LymphodepletionRecord>(e =>
        {
            e.HasIndex(x => x.PatientId);
            // One live record per drug and enrolment, even if two users record it at once.
            e.HasIndex(x => new { x.EnrolmentId, x.DrugKey }).IsUnique().HasFilter("deleted_at IS NULL");
        });
        modelBuilder.Entity<ProtocolDeviationRecord>(e => e.HasIndex(x => new { x.EnrolmentId, x.EventKey }));
        modelBuilder.Entity<ProtocolRecord>(e =>
        {
            e.HasIndex(x => x.Key).IsUnique();
            e.Property(x => x.Key).HasMaxLength(64);
        });
        modelBuilder.Entity<ProtocolVersionRecord>(e =>
        {
            e.HasIndex(x => new { x.ProtocolId, x.Number }).IsUnique();
            e.HasIndex(x => new { x.ProtocolKey, x.Number }).IsUnique();
            e.Property(x => x.ProtocolKey).HasMaxLength(64);
            e.Property(x => x.ConsentVersion).HasMaxLength(64);
            e.Property(x => x.ApprovedBy).HasMaxLength(128);
            e.Property(x => x.ApprovalMeaning).HasMaxLength(512);
        });
        modelBuilder.Entity<AdverseEvent>(e => e.HasIndex(x => x.LotId));
        modelBuilder.Entity<QueryRecord>(e =>
        {
            e.HasIndex(x => new { x.SiteId, x.Status });
            e.HasIndex(x => new { x.RecordType, x.RecordId });
            e.HasIndex(x => x.VisitId);
            // A check opens at most one query per record and field, however often it runs (idempotent batch runs).
            e.HasIndex(x => new { x.ProtocolKey, x.CheckKey, x.RecordType, x.RecordId, x.Field }).IsUnique()
                .HasFilter("check_key IS NOT NULL AND deleted_at IS NULL");
            e.Property(x => x.RecordType).HasMaxLength(32);
            e.Property(x => x.Field).HasMaxLength(128);
            e.Property(x => x.ProtocolKey).HasMaxLength(64);
            e.Property(x => x.ProtocolVersion).HasMaxLength(16);
            e.Property(x => x.CheckKey).HasMaxLength(64);
            e.Property(x => x.RaisedBy).HasMaxLength(128);
        });
        modelBuilder.Entity<QueryStepRecord>(e =>
        {
            e.HasIndex(x => new { x.QueryId, x.Number }).IsUnique();
            e.Property(x => x.By).HasMaxLength(128);
        });
        modelBuilder.Entity<SdvMark>(e =>
        {
            e.HasOne<Visit>().WithMany().HasForeignKey(x => x.VisitId);
            e.HasIndex(x => new { x.SiteId, x.ClearedAt });
            e.Property(x => x.Field).HasMaxLength(128);
            e.Property(x => x.VerifiedBy).HasMaxLength(128);
            e.Property(x => x.VerifiedByName).HasMaxLength(256);
            e.Property(x => x.Meaning).HasMaxLength(512);
            e.Property(x => x.ClearedBy).HasMaxLength(128);
            e.Property(x => x.ClearedReason).HasMaxLength(1024);
        });
        modelBuilder.Entity<ResponseAdjudication>(e =>
        {
            e.HasIndex(x => new { x.PatientId, x.AssessmentDate });
            e.Property(x => x.AdjudicatedBy).HasMaxLength(128);
        });
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Hash).HasMaxLength(64).IsFixedLength();
            e.Property(x => x.PreviousHash).HasMaxLength(64).IsFixedLength();
            e.HasIndex(x => new { x.Entity, x.EntityKey });
            // The last change (an entry that is not an access record) in one index step: the registry's "data changed"
            // marker (AuditTrail.LastChangeAsync), read on every patient-list and report request, where a scan back from
            // the head would pass over every page read since the last save.
            e.HasIndex(x => x.Sequence).HasDatabaseName("IX_audit_entries_changes").HasFilter("entity <> 'Access'");
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(TrackedRecord).IsAssignableFrom(entity.ClrType))
            {
                entity.FindProperty(nameof(TrackedRecord.Id))!.ValueGenerated = ValueGenerated.Never;
                entity.FindProperty(nameof(TrackedRecord.Version))!.IsConcurrencyToken = true;
                entity.SetTableName(TableName(entity.ClrType.Name));
            }

            if (typeof(ClinicalRecord).IsAssignableFrom(entity.ClrType))
            {
                var parameter = System.Linq.Expressions.Expression.Parameter(entity.ClrType, "r");
                var filter = System.Linq.Expressions.Expression.Lambda(
                    System.Linq.Expressions.Expression.Equal(
                        System.Linq.Expressions.Expression.Property(parameter, nameof(ClinicalRecord.DeletedAt)),
                        System.Linq.Expressions.Expression.Constant(null, typeof(DateTimeOffset?))),
                    parameter);
                entity.SetQueryFilter(filter);
            }

            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }

            foreach (var key in entity.GetKeys())
            {
                key.SetName($"pk_{entity.GetTableName()}");
            }
        }

        // Clinical rows refer to each other but are never cascaded away (nothing is ever hard-deleted).
        foreach (var foreignKey in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetForeignKeys()))
        {
            foreignKey.DeleteBehavior = DeleteBehavior.Restrict;
        }
    }

    private static string TableName(string clrName) => clrName switch
    {
        nameof(Laboratory) => "laboratories",
        nameof(Diagnosis) => "diagnoses",
        nameof(Death) => "deaths",
        nameof(CellLotRecord) => "cell_lots",
        nameof(CustodyEventRecord) => "custody_events",
        nameof(ScheduledEventRecord) => "scheduled_events",
        nameof(ScheduleChangeRecord) => "schedule_changes",
        nameof(InfusionVitalSigns) => "infusion_vital_signs",
        nameof(InfusionReactionRecord) => "infusion_reactions",
        nameof(LymphodepletionRecord) => "lymphodepletions",
        nameof(ProtocolDeviationRecord) => "protocol_deviations",
        nameof(ProtocolRecord) => "protocols",
        nameof(ProtocolVersionRecord) => "protocol_versions",
        nameof(QueryRecord) => "queries",
        nameof(QueryStepRecord) => "query_steps",
        _ => SnakeCase(clrName) + "s",
    };

    internal static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}

/// <summary>The model on SQLite (anchors <c>Migrations/Sqlite</c>).</summary>
public sealed class SqliteStromaDbContext(DbContextOptions<SqliteStromaDbContext> options) : StromaDbContext(options);

/// <summary>The model on PostgreSQL (anchors <c>Migrations/Postgres</c>).</summary>
public sealed class PostgresStromaDbContext(DbContextOptions<PostgresStromaDbContext> options) : StromaDbContext(options);
