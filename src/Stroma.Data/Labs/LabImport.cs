using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Time;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using Stroma.Data.Quality;
using Stroma.Data.Visits;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Data.Labs;

/// <summary>How an import ended.</summary>
/// <param name="Read">Data rows read.</param>
/// <param name="Inserted">Rows stored.</param>
/// <param name="Duplicates">Valid rows skipped because their natural key (patient, analyte, specimen time) exists.</param>
/// <param name="Rejected">Rows with errors (written to the reject file).</param>
/// <param name="Committed">False when nothing was stored (rejects without <c>--partial</c>, or a file refused whole).</param>
public sealed record LabImportResult(long Read, long Inserted, long Duplicates, long Rejected, bool Committed)
{
    /// <summary>Why the whole file was refused before any row was read (a header without a required column: LAB014); empty otherwise.</summary>
    public IReadOnlyList<Issue> FileIssues { get; init; } = Array.Empty<Issue>();

    /// <summary>Queries the soft edit checks opened on the visits of the imported results (docs/data-quality.md "Save-time checks").</summary>
    public int QueriesOpened { get; init; }

    /// <summary>
    /// The indexes and foreign keys of <c>lab_results</c> that were dropped for the load and built again after it
    /// (<see cref="LabImportOptions.Indexes"/>); null when they were maintained row by row.
    /// </summary>
    public (int Indexes, int ForeignKeys)? Rebuilt { get; init; }

    /// <summary>True when the file was refused whole (see <see cref="FileIssues"/>).</summary>
    public bool Refused => FileIssues.Count > 0;
}

/// <summary>One problem of one rejected row: its line in the file, the column, the value there and the issue.</summary>
public sealed record LabImportReject(long Line, string Field, string Value, Issue Issue);

/// <summary>How to run an import beyond the defaults of <c>stroma import labs</c>.</summary>
public sealed record LabImportOptions
{
    /// <summary>Store the valid rows even when some are rejected (<c>--partial</c>).</summary>
    public bool Partial { get; init; }

    /// <summary>
    /// When set, only rows of this site (code) are imported: a row naming another site is rejected without looking it
    /// up, and only this site's patients, visits and laboratories are known (site isolation for a web upload).
    /// </summary>
    public string? OnlySite { get; init; }

    /// <summary>When set, each issue of each rejected row is also added here (for a reject report by field).</summary>
    public ICollection<LabImportReject>? Rejects { get; init; }

    /// <summary>When set, the laboratory id given to the normaliser (which ranges apply) from the site and laboratory codes.</summary>
    public Func<string, string, string>? RangeLabId { get; init; }

    /// <summary>
    /// When set, called with the 1-based row number and the normalisation of each row that is stored or skipped as a
    /// duplicate (for a caller that compares the flag with the one the sender gave; on the reading thread).
    /// </summary>
    public Action<long, LabNormalisation>? Accepted { get; init; }

    /// <summary>
    /// What the load does with the indexes and foreign keys of <c>lab_results</c> (<c>--indexes</c>; docs/labs.md
    /// "Large files"): by default they are rebuilt after a load of at least 100 000 rows that at least doubles the
    /// table, which locks the table until the import ends (<see cref="BulkIndexPlan"/>).
    /// </summary>
    public BulkIndexes Indexes { get; init; } = BulkIndexes.Auto;

    /// <summary>How long a rebuild waits for the table's exclusive lock on PostgreSQL before it maintains the indexes instead (<see cref="BulkIndexPlan.LockWait"/>).</summary>
    public TimeSpan IndexLockWait { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// One lab result in the shape every lab import reads (the columns of a <c>stroma import labs</c> file, as text):
/// the CSV reader and the HL7 v2 reader both produce it, so both go through one validation, normalisation and write.
/// </summary>
public sealed record LabImportRow(string Site, string Patient, string? VisitDate, string Analyte, string Value, string? Unit, string? Range, string? Lab, string SpecimenTime)
{
    /// <summary>The column names, in the order of a lab import file's documented header (<c>note</c> is optional).</summary>
    public static IReadOnlyList<string> Columns { get; } = ["site", "patient", "visit_date", "analyte", "value", "unit", "range", "lab", "specimen_time", "note"];

    /// <summary>The laboratory's comments on the result (HL7 NTE after the OBX, FHIR <c>Observation.note</c>), stored with it.</summary>
    public string? Note { get; init; }
}

/// <summary>Progress of a running import.</summary>
public readonly record struct LabImportProgress(long Rows, long BytesRead, long TotalBytes);

/// <summary>
/// <c>stroma import labs</c>: streams a CSV of lab results (columns <c>site, patient, visit_date, analyte, value,
/// unit, range, lab, specimen_time</c>; <c>visit_date</c>, <c>range</c>, <c>lab</c> optional) into
/// <see cref="LabResult"/> rows. Every row is resolved (site, patient, visit, laboratory) and normalised by an
/// <see cref="ILabNormaliser"/>; rows with errors go to the reject file with their line and reasons. Valid rows go
/// through the engine's fast path (<see cref="BulkInsert"/>) in ONE transaction: all or nothing unless
/// <c>partial</c>; rows whose natural key exists are skipped, so re-running a file adds nothing. One audit entry
/// records the batch. One thread parses, resolves and normalises rows while the calling flow writes them (a bounded
/// channel and a fixed pool of batches between them). On PostgreSQL the rows are first copied straight into the
/// table (<see cref="BulkConflicts.SkipOptimistic"/>); if a stored key turns up, the file is read again through the
/// staging path, so the input must then be seekable (a non-seekable input takes the staging path at once). A row for a
/// signed visit is a reject (VIS001): a signature locks what is recorded under the visit. Memory
/// stays flat: only the site/patient/visit lookups and the batches are held.
/// </summary>
public static class LabImport
{
    private static readonly string[] Required = ["site", "patient", "analyte", "value", "unit", "specimen_time"];

    public static Task<LabImportResult> RunAsync(StromaDbContext db, Stream input, string sourceName, TextWriter rejects,
        ILabNormaliser normaliser, bool partial, IProgress<LabImportProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(db, input, sourceName, rejects, normaliser, new LabImportOptions { Partial = partial }, progress, cancellationToken);

    public static Task<LabImportResult> RunAsync(StromaDbContext db, Stream input, string sourceName, TextWriter rejects,
        ILabNormaliser normaliser, LabImportOptions options, IProgress<LabImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var origin = input.CanSeek ? input.Position : 0;
        return RunAsync(db, () =>
        {
            if (input.CanSeek)
            {
                input.Position = origin;
            }

            return new CsvRowSource(input);
        }, input.CanSeek, sourceName, rejects, normaliser, options, progress, cancellationToken);
    }

    /// <summary>
    /// Loads rows that another reader (the HL7 v2 import) has already put in the import's row shape, through exactly the
    /// path of a CSV file: the same lookups, normaliser, rejects, duplicate rule, flags, transaction and audit entry.
    /// Rejects are reported to <see cref="LabImportOptions.Rejects"/> with the line a file of these rows would give them
    /// (the row's 1-based position plus one, for the header).
    /// </summary>
    public static Task<LabImportResult> RunRowsAsync(StromaDbContext db, IReadOnlyList<LabImportRow> rows, string sourceName,
        ILabNormaliser normaliser, LabImportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return RunAsync(db, () => new RowListSource(rows), true, sourceName, TextWriter.Null, normaliser, options, null, cancellationToken);
    }

    private static async Task<LabImportResult> RunAsync(StromaDbContext db, Func<ILabRowSource> open, bool canReread, string sourceName, TextWriter rejects,
        ILabNormaliser normaliser, LabImportOptions options, IProgress<LabImportProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rejects);
        ArgumentNullException.ThrowIfNull(normaliser);
        ArgumentNullException.ThrowIfNull(options);
        var partial = options.Partial;
        var lookups = await Lookups.LoadAsync(db, options.OnlySite, cancellationToken).ConfigureAwait(false);
        var now = db.Clock.GetUtcNow();
        await using var rejectCsv = new Export.SafeCsvWriter(rejects, CultureInfo.InvariantCulture, leaveOpen: true);
        // A caller that writes more in the same unit (the HL7 import's corrections) holds the transaction; it then
        // commits or rolls back, and a refused file leaves it for the caller to roll back.
        var own = db.Database.CurrentTransaction is null;
        await using var transaction = own ? await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : null;

        // Copy straight into the table while no stored key turns up; when one does (PostgreSQL), the copied rows are
        // rolled back to a savepoint and the file is read again through the staging path. Only a seekable input can
        // be read twice.
        var conflicts = canReread ? BulkConflicts.SkipOptimistic : BulkConflicts.Skip;
        long rejectsWritten = 0;
        // The patients the file names, for the save-time checks (scanned once, and only when a protocol has lab checks).
        IReadOnlyCollection<Guid>? named = null;
        var scanned = false;
        IReadOnlyCollection<Guid>? NamedPatients()
        {
            if (!scanned)
            {
                named = canReread ? lookups.Named(open) : null;
                scanned = true;
            }

            return named;
        }

        while (true)
        {
            // Loaded for each pass: a second reading starts again from what is stored.
            var checks = await ImportChecks.LoadAsync(db, NamedPatients, cancellationToken).ConfigureAwait(false);
            var pass = new Pass(db, open, rejectCsv, lookups, now, normaliser, options, progress, rejectsWritten, checks);
            try
            {
                var outcome = await pass.RunAsync(conflicts, cancellationToken).ConfigureAwait(false);
                if (pass.HeaderProblem is { } headerProblem)
                {
                    await RollbackAsync().ConfigureAwait(false);
                    return new LabImportResult(0, 0, 0, 0, false) { FileIssues = [headerProblem] };
                }

                if (outcome is null)
                {
                    return new LabImportResult(0, 0, 0, 0, true);
                }

                var (read, rejected, valid, inserted, length) = outcome.Value;
                if (rejected > 0 && !partial)
                {
                    await RollbackAsync().ConfigureAwait(false);
                    return new LabImportResult(read, 0, 0, rejected, false);
                }

                progress?.Report(new LabImportProgress(read, length, length));
                var queriesOpened = await checks.OpenQueriesAsync(db, cancellationToken).ConfigureAwait(false);
                await SourceDataVerification.ClearForImportedLabsAsync(db, pass.VisitsWritten, now, cancellationToken).ConfigureAwait(false);
                await AuditTrail.AppendBatchAsync(db, nameof(LabResult), $"import {sourceName}", new Dictionary<string, object?>
                {
                    ["source"] = sourceName,
                    ["read"] = read,
                    ["inserted"] = inserted,
                    ["duplicates"] = valid - inserted,
                    ["rejected"] = rejected,
                    // The ledger check covers the rows this import wrote by their digest, summed as they were inserted
                    // (each row hashed on the reading thread; duplicates skipped by the engine are not counted).
                    ["ledger"] = pass.Ledger.ToBatch(now),
                }, cancellationToken).ConfigureAwait(false);
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return new LabImportResult(read, inserted, valid - inserted, rejected, true) { QueriesOpened = queriesOpened, Rebuilt = pass.Rebuilt };
            }
            catch (BulkInsertConflictException) when (conflicts == BulkConflicts.SkipOptimistic)
            {
                conflicts = BulkConflicts.Skip;
                rejectsWritten = pass.Read;
            }
        }

        async Task RollbackAsync()
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One reading of the file: a producer thread parses, resolves, validates and normalises each row, writes rejects
    /// and encodes valid rows into batches; the calling flow writes the batches (a bounded channel between them, and
    /// a fixed pool of batches, so memory stays flat).
    /// </summary>
    private sealed class Pass(StromaDbContext db, Func<ILabRowSource> open, CsvWriter rejectCsv, Lookups lookups, DateTimeOffset now, ILabNormaliser normaliser,
        LabImportOptions options, IProgress<LabImportProgress>? progress, long rejectsWritten, ImportChecks checks)
    {
        private readonly bool partial = options.Partial;

        private const int Batches = 4;
        private long read;
        private long rejected;

        public long Read => Interlocked.Read(ref read);

        /// <summary>The visits of the rows written (filled by the producer; read after it finished): their SDV marks are cleared.</summary>
        public HashSet<Guid> VisitsWritten { get; } = [];

        /// <summary>The digest of the rows inserted (set when <see cref="RunAsync"/> returned).</summary>
        public LedgerDigest Ledger { get; private set; }

        /// <summary>The indexes and foreign keys rebuilt after the load (set when <see cref="RunAsync"/> returned).</summary>
        public (int Indexes, int ForeignKeys)? Rebuilt { get; private set; }

        // The first SampleRows rows and the bytes read for them (the whole input when it is shorter), set by the producer
        // before it completes `sampled`: the size of the whole load is estimated from them for the choice of rebuilding
        // the indexes, before the first batch is written. 4 096 rows, because the producer can read that many without
        // waiting for the writer (its four batches of 1 024 hold them), so the writer may wait for the sample; the
        // reader's 64 KiB read-ahead makes the estimate at most about a fifth low for rows of 75 bytes.
        private const long SampleRows = 4096;
        private readonly TaskCompletionSource sampled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long sampleRows;
        private long sampleBytes;

        /// <summary>Set when the header lacks a required column: the file is refused whole (LAB014).</summary>
        public Issue? HeaderProblem { get; private set; }

        /// <summary>Null when the file is empty; else (read, rejected, valid rows written, rows inserted).</summary>
        public async Task<(long Read, long Rejected, long Valid, long Inserted, long Length)?> RunAsync(BulkConflicts conflicts, CancellationToken cancellationToken)
        {
            using var csv = open();
            if (csv.Header is not { } rawHeader)
            {
                return null;
            }

            var header = rawHeader.Select(h => h.Trim().ToLowerInvariant()).ToArray();
            var missing = Required.Where(r => !header.Contains(r)).ToList();
            if (missing.Count > 0)
            {
                HeaderProblem = Issue.Error(IssueCodes.LabFileHeader, "header",
                    $"The header lacks column(s): {string.Join(", ", missing)}. Expected: site, patient, visit_date, analyte, value, unit, range, lab, specimen_time.");
                return null;
            }

            if (rejectsWritten == 0)
            {
                foreach (var h in header)
                {
                    rejectCsv.WriteField(h);
                }

                rejectCsv.WriteField("line");
                rejectCsv.WriteField("reason");
                rejectCsv.NextRecord();
            }

            var total = csv.Length;
            var plan = new BulkIndexPlan(options.Indexes, () => sampleBytes > 0 ? (long)((double)total * sampleRows / sampleBytes) : sampleRows)
            {
                LockWait = options.IndexLockWait,
            };
            await using var inserter = await BulkInsert.StartAsync<LabResult>(db, conflicts, plan, cancellationToken).ConfigureAwait(false);
            var full = Channel.CreateBounded<BulkBatch<LabResult>>(new BoundedChannelOptions(Batches) { SingleReader = true, SingleWriter = true });
            var empty = Channel.CreateUnbounded<BulkBatch<LabResult>>();
            for (var i = 0; i < Batches; i++)
            {
                empty.Writer.TryWrite(inserter.CreateBatch());
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var producer = Task.Factory.StartNew(() => Produce(csv, header, full.Writer, empty.Reader, stop.Token), stop.Token,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            long inserted;
            try
            {
                while (await full.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (full.Reader.TryRead(out var batch))
                    {
                        if (inserter.Added == 0)
                        {
                            await sampled.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                        }

                        await inserter.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                        batch.Clear();
                        empty.Writer.TryWrite(batch);
                    }
                }

                await producer.ConfigureAwait(false);
                inserted = rejected > 0 && !partial ? 0 : await inserter.CompleteAsync(cancellationToken).ConfigureAwait(false);
                Ledger = inserter.Inserted;
                Rebuilt = inserter.Rebuilt;
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await producer.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // stopped because the writer failed
                }

                throw;
            }

            return (read, rejected, inserter.Added, inserted, csv.Length);
        }

        private void Produce(ILabRowSource csv, string[] header, ChannelWriter<BulkBatch<LabResult>> full, ChannelReader<BulkBatch<LabResult>> empty, CancellationToken cancellationToken)
        {
            try
            {
                ProduceRows(csv, header, full, empty, cancellationToken);
            }
            finally
            {
                if (!sampled.Task.IsCompleted)
                {
                    (sampleRows, sampleBytes) = (Read, csv.Length);
                    sampled.TrySetResult();
                }

                full.TryComplete();
            }
        }

        private void ProduceRows(ILabRowSource csv, string[] header, ChannelWriter<BulkBatch<LabResult>> full, ChannelReader<BulkBatch<LabResult>> empty, CancellationToken cancellationToken)
        {
            int Column(string name) => Array.IndexOf(header, name);
            int site = Column("site"), patient = Column("patient"), visitDate = Column("visit_date"), analyte = Column("analyte"), value = Column("value"),
                unit = Column("unit"), range = Column("range"), lab = Column("lab"), specimen = Column("specimen_time"), note = Column("note");
            var total = csv.Length;
            var row = LabResultRows.ForBulk(db, now);
            var issues = new List<Issue>(4);
            var ids = new Version7Ids(now);
            var hasher = new LedgerDigest.RowHasher(db.Model.FindEntityType(typeof(LabResult))!);
            BulkBatch<LabResult>? batch = null;
            while (csv.Read())
            {
                var line = Interlocked.Increment(ref read);
                if (line == SampleRows)
                {
                    (sampleRows, sampleBytes) = (line, csv.Position);
                    sampled.TrySetResult();
                }

                issues.Clear();
                var record = csv.Record!;
                string Field(int index) => index >= 0 && index < record.Length ? record[index] : "";
                string? Optional(int index) => Field(index) is { Length: > 0 } s ? s : null;

                Guid? labId = null;
                Lookups.PatientKey? who = null;
                Guid? visitId = null;
                string? rangeLab = null;
                if (options.OnlySite is { } only && !string.Equals(Field(site).Trim(), only, StringComparison.OrdinalIgnoreCase))
                {
                    issues.Add(Issue.Error(IssueCodes.UnknownSite, "site",
                        $"The row is for site \"{Field(site)}\"; this import is for site {only} only, so rows of other sites are not imported."));
                }
                else if (!lookups.Sites.TryGetValue(Field(site), out var siteId))
                {
                    issues.Add(Issue.Error(IssueCodes.UnknownSite, "site", $"Site \"{Field(site)}\" is not in the registry."));
                }
                else
                {
                    if (lookups.Patients.TryGetValue((siteId, Field(patient)), out var p))
                    {
                        who = p;
                    }
                    else
                    {
                        issues.Add(Issue.Error(IssueCodes.UnknownPatient, "patient", $"Patient \"{Field(patient)}\" is not registered at site {Field(site)}."));
                    }

                    if (Optional(lab) is { } labCode)
                    {
                        if (lookups.Laboratories.TryGetValue((siteId, labCode), out var l))
                        {
                            labId = l;
                            rangeLab = options.RangeLabId?.Invoke(Field(site).Trim(), labCode);
                        }
                        else
                        {
                            issues.Add(Issue.Error(IssueCodes.UnknownLaboratory, "lab", $"Laboratory \"{labCode}\" is not registered at site {Field(site)}."));
                        }
                    }
                }

                var time = ParseTime(Field(specimen), issues);
                if (who is { } known && Optional(visitDate) is { } dateText)
                {
                    if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        issues.Add(Issue.Error(IssueCodes.WrongType, "visit_date", $"Visit date \"{dateText}\" is not a date (yyyy-mm-dd)."));
                    }
                    else if (lookups.Visits.TryGetValue((known.Id, date), out var v))
                    {
                        visitId = v;
                        if (lookups.Signed.TryGetValue(v, out var signed))
                        {
                            // A signed visit is locked (Visits.VisitLock): the row is a reject, counted like the others.
                            issues.Add(signed.Refusal("visit_date"));
                        }
                    }
                    else
                    {
                        issues.Add(Issue.Error(IssueCodes.UnknownVisit, "visit_date", $"Patient {Field(patient)} has no visit on {dateText}."));
                    }
                }

                if (Optional(note) is { Length: > LabResult.NoteMaxLength } longNote)
                {
                    issues.Add(Issue.Error(IssueCodes.LabNoteTooLong, "note", $"The note is {longNote.Length} characters long; a lab result keeps at most {LabResult.NoteMaxLength}."));
                }

                if (who is { } born && time is { } taken && LabText.SpecimenTimeProblem(taken, born.BirthYear, now) is { } implausible)
                {
                    issues.Add(implausible);
                }

                LabNormalisation? normalised = null;
                if (issues.Count == 0 && who is { } subject && time is { } when)
                {
                    normalised = normaliser.Normalise(new LabReport(Field(analyte).Trim(), Field(value), Optional(unit), Optional(range), subject.Sex, subject.BirthYear, when)
                    {
                        LabId = rangeLab,
                    });
                    issues.AddRange(normalised.Issues);
                    if (!normalised.Issues.Any(i => i.IsError))
                    {
                        // The protocol's edit checks on the visit with this result (docs/data-quality.md "Save-time checks").
                        issues.AddRange(checks.Check(subject.Id, visitId, when, Field(value), normalised));
                    }
                }

                if (issues.Any(i => i.IsError) || normalised is null)
                {
                    rejected++;
                    if (line > rejectsWritten)
                    {
                        foreach (var field in record)
                        {
                            rejectCsv.WriteField(field);
                        }

                        rejectCsv.WriteField(line + 1);
                        rejectCsv.WriteField(string.Join("; ", issues.Select(i => i.ToString())));
                        rejectCsv.NextRecord();
                        if (options.Rejects is { } sink)
                        {
                            foreach (var issue in issues.Where(i => i.IsError))
                            {
                                sink.Add(new LabImportReject(line + 1, issue.Path, Field(Array.IndexOf(header, issue.Path)), issue));
                            }
                        }
                    }

                    continue;
                }

                if (rejected > 0 && !partial)
                {
                    continue; // nothing will be stored: only go on listing rejects
                }

                options.Accepted?.Invoke(line, normalised);
                row.Id = ids.Next();
                LabResultRows.Fill(row, who!.Value.Id, visitId, labId, time!.Value, Field(value), Optional(unit), Optional(range), normalised);
                row.Note = Optional(note);
                if (visitId is { } written)
                {
                    VisitsWritten.Add(written);
                }
                batch ??= Take(empty, cancellationToken);
                batch.Add(row, hasher.Of(row));
                if (batch.IsFull)
                {
                    Send(full, batch, cancellationToken);
                    batch = null;
                }

                if (progress is not null && (line & 0xFFFF) == 0)
                {
                    progress.Report(new LabImportProgress(line, csv.Position, total));
                }
            }

            if (batch is { Count: > 0 })
            {
                Send(full, batch, cancellationToken);
            }
        }

        private static BulkBatch<LabResult> Take(ChannelReader<BulkBatch<LabResult>> empty, CancellationToken cancellationToken) =>
            empty.TryRead(out var batch) ? batch : empty.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();

        private static void Send(ChannelWriter<BulkBatch<LabResult>> full, BulkBatch<LabResult> batch, CancellationToken cancellationToken)
        {
            if (!full.TryWrite(batch))
            {
                full.WriteAsync(batch, cancellationToken).AsTask().GetAwaiter().GetResult();
            }
        }
    }

    /// <summary>Where a pass reads its rows: a header (null for an empty input), then records in the header's order.</summary>
    private interface ILabRowSource : IDisposable
    {
        string[]? Header { get; }

        string[]? Record { get; }

        /// <summary>How far the reading has come, in <see cref="Length"/>'s unit (bytes of a file); 0 when unknown.</summary>
        long Position { get; }

        long Length { get; }

        bool Read();
    }

    private sealed class CsvRowSource : ILabRowSource
    {
        private readonly Stream input;
        private readonly StreamReader reader;
        private readonly CsvParser csv;

        public CsvRowSource(Stream input)
        {
            this.input = input;
            reader = new StreamReader(input, System.Text.Encoding.UTF8, true, 1 << 16, leaveOpen: true);
            csv = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { BadDataFound = null });
            Header = csv.Read() ? csv.Record : null;
        }

        public string[]? Header { get; }

        public string[]? Record => csv.Record;

        public long Position => input.CanSeek ? input.Position : 0;

        public long Length => input.CanSeek ? input.Length : 0;

        public bool Read() => csv.Read();

        public void Dispose()
        {
            csv.Dispose();
            reader.Dispose();
        }
    }

    private sealed class RowListSource(IReadOnlyList<LabImportRow> rows) : ILabRowSource
    {
        private int next;

        public string[]? Header { get; } = [.. LabImportRow.Columns];

        public string[]? Record { get; private set; }

        public long Position => next;

        public long Length => rows.Count;

        public bool Read()
        {
            if (next >= rows.Count)
            {
                return false;
            }

            var r = rows[next++];
            Record = [r.Site, r.Patient, r.VisitDate ?? "", r.Analyte, r.Value, r.Unit ?? "", r.Range ?? "", r.Lab ?? "", r.SpecimenTime, r.Note ?? ""];
            return true;
        }

        public void Dispose()
        {
        }
    }

    private static DateTimeOffset? ParseTime(string text, List<Issue> issues)
    {
        var parsed = InstantPattern.Parse(text, "specimen_time");
        if (parsed.Issue is { } issue)
        {
            issues.Add(issue);
            return null;
        }

        return parsed.Value;
    }

    /// <summary>
    /// UUIDv7 ids as <see cref="Guid.CreateVersion7(DateTimeOffset)"/> makes them (RFC 9562 section 5.7: the 48-bit Unix
    /// millisecond timestamp, version 7, the RFC variant, 74 random bits), but with the random bits taken from a
    /// cryptographic generator 1 024 ids at a time: <c>CreateVersion7</c> asks the operating system once per id.
    /// </summary>
    private sealed class Version7Ids(DateTimeOffset time)
    {
        private readonly long milliseconds = time.ToUnixTimeMilliseconds();
        private readonly byte[] random = new byte[16 * 1024];
        private int next = 16 * 1024;

        public Guid Next()
        {
            if (next == random.Length)
            {
                RandomNumberGenerator.Fill(random);
                next = 0;
            }

            Span<byte> bytes = stackalloc byte[16];
            random.AsSpan(next, 16).CopyTo(bytes);
            next += 16;
            for (var i = 0; i < 6; i++)
            {
                bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
            }

            bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
            bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
            return new Guid(bytes, bigEndian: true);
        }
    }

    private sealed class Lookups
    {
        public readonly record struct PatientKey(Guid Id, Sex Sex, int? BirthYear);

        public Dictionary<string, Guid> Sites { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<(Guid, string), PatientKey> Patients { get; } = [];

        public Dictionary<(Guid, string), Guid> Laboratories { get; } = [];

        public Dictionary<(Guid, DateOnly), Guid> Visits { get; } = [];

        /// <summary>The signed (locked) visits among <see cref="Visits"/>.</summary>
        public Dictionary<Guid, SignedVisit> Signed { get; } = [];

        /// <summary>The ids of the known patients a reading of the input names (as the rows resolve them).</summary>
        public HashSet<Guid> Named(Func<ILabRowSource> open)
        {
            var named = new HashSet<Guid>();
            using var source = open();
            if (source.Header is not { } header)
            {
                return named;
            }

            var columns = header.Select(h => h.Trim().ToLowerInvariant()).ToList();
            int site = columns.IndexOf("site"), patient = columns.IndexOf("patient");
            while (site >= 0 && patient >= 0 && source.Read())
            {
                var record = source.Record!;
                if (site < record.Length && patient < record.Length && Sites.TryGetValue(record[site], out var siteId)
                    && Patients.TryGetValue((siteId, record[patient]), out var known))
                {
                    named.Add(known.Id);
                }
            }

            return named;
        }

        public static async Task<Lookups> LoadAsync(StromaDbContext db, string? onlySite, CancellationToken cancellationToken)
        {
            var lookups = new Lookups();
            var sites = onlySite is null ? db.Sites : db.Sites.Where(s => s.Code == onlySite);
            var siteIds = sites.Select(s => s.Id);
            var laboratories = onlySite is null ? db.Laboratories : db.Laboratories.Where(l => siteIds.Contains(l.SiteId));
            var patients = onlySite is null ? db.Patients : db.Patients.Where(p => siteIds.Contains(p.SiteId));
            var visits = onlySite is null ? db.Visits : db.Visits.Where(v => siteIds.Contains(v.Patient!.SiteId));
            await foreach (var s in sites.AsNoTracking().Select(s => new { s.Code, s.Id }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                lookups.Sites[s.Code] = s.Id;
            }

            await foreach (var l in laboratories.AsNoTracking().Select(l => new { l.SiteId, l.Code, l.Id }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                lookups.Laboratories[(l.SiteId, l.Code)] = l.Id;
            }

            await foreach (var p in patients.AsNoTracking().Select(p => new { p.SiteId, p.StudyId, p.Id, p.Sex, p.BirthYear, p.BirthDate }).AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                lookups.Patients[(p.SiteId, p.StudyId)] = new PatientKey(p.Id, p.Sex, p.BirthYear ?? p.BirthDate?.Year);
            }

            await foreach (var v in visits.AsNoTracking().Select(v => new { v.PatientId, v.VisitDate, v.Id, v.SignedAt, v.SignedBy, v.SignedByName })
                .AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (lookups.Visits.TryAdd((v.PatientId, v.VisitDate), v.Id) && v.SignedAt is { } signedAt)
                {
                    lookups.Signed[v.Id] = new SignedVisit(v.Id, v.PatientId, v.VisitDate, v.SignedBy, v.SignedByName, signedAt);
                }
            }

            return lookups;
        }
    }
}
