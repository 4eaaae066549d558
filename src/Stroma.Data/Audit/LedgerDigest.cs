using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Stroma.Data.Model;

namespace Stroma.Data.Audit;

/// <summary>
/// What a bulk write records in its audit entry (under <c>"ledger"</c>) so that the rows it wrote, which have no
/// audit entry each, are covered by the ledger check: the creation instant its rows carry, how many rows it wrote
/// and their <see cref="LedgerDigest"/>.
/// </summary>
/// <param name="CreatedAt">The rows' <see cref="TrackedRecord.CreatedAt"/> in the audit trail's text form.</param>
/// <param name="Rows">Rows written.</param>
/// <param name="Digest">The rows' digest, 64 lowercase hex digits.</param>
public sealed record LedgerBatch(string CreatedAt, long Rows, string Digest);

/// <summary>
/// An order-independent digest of a set of rows: the sum modulo 2^256 of each row's SHA-256 (an additive multiset
/// hash, MSet-Add-Hash of Clarke D et al., "Incremental multiset hash functions and their application to memory
/// integrity checking", ASIACRYPT 2003). Being a sum, the digests of the chunks of one bulk write, or of several
/// writes at the same instant, add up to the digest of all their rows, and the ledger check can add rows up in
/// whatever order it streams them. A row's hash covers its entity type and every non-null field except the ones
/// that change on every edit (<see cref="TrackedRecord.Version"/>, <c>UpdatedAt</c>, <c>UpdatedBy</c>), each written
/// as in the audit trail (redacted fields as the placeholder); null fields are left out so that adding a nullable
/// column later does not change the digest of rows written before.
/// </summary>
public readonly record struct LedgerDigest(long Rows, UInt128 High, UInt128 Low)
{
    private const string FormatTag = "stroma-ledger-v1";

    private static readonly HashSet<string> Changing =
        [nameof(TrackedRecord.Version), nameof(TrackedRecord.UpdatedAt), nameof(TrackedRecord.UpdatedBy)];

    public static LedgerDigest Empty => default;

    /// <summary>The 256-bit sum as 64 lowercase hex digits.</summary>
    public string Hex => High.ToString("x32", CultureInfo.InvariantCulture) + Low.ToString("x32", CultureInfo.InvariantCulture);

    public static LedgerDigest operator +(LedgerDigest left, LedgerDigest right)
    {
        var low = left.Low + right.Low;
        var carry = low < left.Low ? UInt128.One : UInt128.Zero;
        return new LedgerDigest(left.Rows + right.Rows, left.High + right.High + carry, low);
    }

    public static LedgerDigest operator -(LedgerDigest left, LedgerDigest right)
    {
        var low = left.Low - right.Low;
        var borrow = left.Low < right.Low ? UInt128.One : UInt128.Zero;
        return new LedgerDigest(left.Rows - right.Rows, left.High - right.High - borrow, low);
    }

    public static LedgerDigest Add(LedgerDigest left, LedgerDigest right) => left + right;

    public static LedgerDigest Subtract(LedgerDigest left, LedgerDigest right) => left - right;

    /// <summary>Parses <see cref="LedgerBatch.Rows"/> and <see cref="LedgerBatch.Digest"/>; null when malformed.</summary>
    public static LedgerDigest? Parse(long rows, string? hex)
    {
        if (hex is not { Length: 64 }
            || !UInt128.TryParse(hex.AsSpan(0, 32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            || !UInt128.TryParse(hex.AsSpan(32), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return null;
        }

        return new LedgerDigest(rows, high, low);
    }

    /// <summary>The digest of one row given as (field, audit-trail text) pairs of its entity type.</summary>
    internal static LedgerDigest OfRow(string entity, IEnumerable<KeyValuePair<string, string?>> fields)
    {
        var text = new StringBuilder(256);
        Append(text, FormatTag);
        Append(text, entity);
        foreach (var (name, value) in fields.Where(f => f.Value is not null && !Changing.Contains(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Append(text, name);
            Append(text, value);
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return new LedgerDigest(1, BinaryPrimitives.ReadUInt128BigEndian(hash[..16]), BinaryPrimitives.ReadUInt128BigEndian(hash[16..]));
    }

    /// <summary>The digest of one row from its SHA-256 (32 bytes, as <see cref="WriteHash"/> writes it).</summary>
    internal static LedgerDigest OfHash(ReadOnlySpan<byte> hash) =>
        new(1, BinaryPrimitives.ReadUInt128BigEndian(hash[..16]), BinaryPrimitives.ReadUInt128BigEndian(hash[16..32]));

    /// <summary>Writes a one-row digest's hash (32 bytes, big-endian), for <see cref="OfHash"/>.</summary>
    internal void WriteHash(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt128BigEndian(destination[..16], High);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..32], Low);
    }

    /// <summary>The digest of one entity as it is (in memory, or as read from the database).</summary>
    internal static LedgerDigest OfEntity(IEntityType entityType, object entity) =>
        OfRow(entityType.ClrType.Name, LedgerCheck.Fields(entityType).Select(p => KeyValuePair.Create(p.Name, LedgerCheck.Audited(p, entity))));

    /// <summary>
    /// The <see cref="LedgerBatch"/> of rows about to be bulk-written (all with the same creation instant), for a
    /// bulk path that writes every row it is given.
    /// </summary>
    public static LedgerBatch Of(StromaDbContext db, Type entity, IEnumerable<TrackedRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(rows);
        var entityType = db.Model.FindEntityType(entity) ?? throw new InvalidOperationException($"{entity.Name} is not in the model.");
        var digest = Empty;
        string? createdAt = null;
        foreach (var row in rows)
        {
            var instant = AuditInterceptor.Canonical(row.CreatedAt)!;
            if (createdAt is not null && createdAt != instant)
            {
                throw new InvalidOperationException("The rows of one bulk write must share one creation instant.");
            }

            createdAt = instant;
            digest += OfEntity(entityType, row);
        }

        return new LedgerBatch(createdAt ?? "", digest.Rows, digest.Hex);
    }

    /// <summary>
    /// The digest of the stored <typeparamref name="T"/> rows created at <paramref name="createdAt"/> whose
    /// (UUID version 7) id was minted in that instant's millisecond: a range read on the primary key. The stored-state
    /// counterpart of a digest taken as rows are written (<see cref="BulkInserter{T}.Inserted"/>): it reads every row
    /// back (and EF Core buffers the whole result on PostgreSQL under a retrying execution strategy), so bulk paths do
    /// not use it; tests compare the two.
    /// </summary>
    public static async Task<LedgerDigest> OfStoredVersion7Async<T>(StromaDbContext db, DateTimeOffset createdAt, CancellationToken cancellationToken = default)
        where T : TrackedRecord
    {
        ArgumentNullException.ThrowIfNull(db);
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var milliseconds = createdAt.ToUnixTimeMilliseconds();
        var from = Version7Floor(milliseconds);
        var to = Version7Floor(milliseconds + 1);
        var id = entityType.FindProperty(nameof(TrackedRecord.Id))!.GetColumnName();
        var sql = $"SELECT * FROM \"{entityType.GetTableName()}\" WHERE \"{id}\" >= {{0}} AND \"{id}\" < {{1}}";
        // SQLite keeps UUIDs as upper-case text (Microsoft.Data.Sqlite's form), PostgreSQL as uuid.
        object[] bounds = db.Database.IsNpgsql() ? [from, to] : [from.ToString("D").ToUpperInvariant(), to.ToString("D").ToUpperInvariant()];
        var instant = AuditInterceptor.Canonical(createdAt);
        var digest = Empty;
        await foreach (var row in db.Set<T>().FromSqlRaw(sql, bounds).IgnoreQueryFilters().AsNoTracking().AsAsyncEnumerable()
                           .WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (AuditInterceptor.Canonical(row.CreatedAt) == instant)
            {
                digest += OfEntity(entityType, row);
            }
        }

        return digest;
    }

    /// <summary>
    /// Digests rows of one entity type as they are written (a bulk path that records what it wrote without reading it
    /// back): the same value as <see cref="OfRow"/> of the row's audit-trail texts (<see cref="LedgerCheck.Audited"/>),
    /// with the field list sorted, the redaction looked up and each field name encoded once, and each value written
    /// as UTF-8 straight into one reused buffer (the common types without an intermediate string: a lab import hashes
    /// every row, and the string path was a fifth of its CPU time at 10^6 rows). One instance per thread.
    /// </summary>
    internal sealed class RowHasher
    {
        private const string DecimalFormat = "0.############################";
        private readonly Field[] fields;
        private readonly byte[] header;
        private readonly Dictionary<Enum, byte[]> enumNames = [];
        private readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] bytes = new byte[1024];
        private int used;

        public RowHasher(IEntityType entityType)
        {
            ArgumentNullException.ThrowIfNull(entityType);
            var text = new StringBuilder();
            Append(text, FormatTag);
            Append(text, entityType.ClrType.Name);
            header = Encoding.UTF8.GetBytes(text.ToString());
            fields = [.. LedgerCheck.Fields(entityType).Where(p => !Changing.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new Field(p.GetGetter(), Encoding.UTF8.GetBytes(new StringBuilder().Append(Encoding.UTF8.GetByteCount(p.Name)).Append(':').Append(p.Name).ToString()),
                    p.PropertyInfo?.IsDefined(typeof(AuditRedactedAttribute), inherit: false) == true))];
        }

        public LedgerDigest Of(object row)
        {
            used = 0;
            Write(header);
            foreach (var field in fields)
            {
                var value = field.Getter.GetClrValueUsingContainingEntity(row);
                if (value is null)
                {
                    continue;
                }

                Write(field.Name);
                if (field.Redacted)
                {
                    WriteText(AuditRedactedAttribute.Placeholder);
                    continue;
                }

                switch (value)
                {
                    case string text:
                        WriteText(text);
                        break;
                    case Guid guid:
                        WriteFormatted(guid, "D");
                        break;
                    case DateTimeOffset instant:
                        WriteInstant(StoredInstant.Truncate(instant).UtcDateTime);
                        break;
                    case decimal number when number != 0:
                        WriteDecimal(number);
                        break;
                    case decimal zero:
                        WriteFormatted(zero, DecimalFormat); // "0" whatever its sign and scale, as the custom format has it
                        break;
                    case Enum member:
                        if (!enumNames.TryGetValue(member, out var name))
                        {
                            name = Encoding.UTF8.GetBytes(member.ToString());
                            enumNames[member] = name;
                        }

                        WriteLength(name.Length);
                        Write(name);
                        break;
                    default:
                        // Everything else exactly as the audit trail writes it.
                        WriteText(AuditInterceptor.Canonical(value)!);
                        break;
                }
            }

            sha.AppendData(bytes, 0, used);
            Span<byte> hash = stackalloc byte[32];
            sha.GetHashAndReset(hash);
            return OfHash(hash);
        }

        private void Reserve(int more)
        {
            if (bytes.Length - used < more)
            {
                Array.Resize(ref bytes, Math.Max(used + more, bytes.Length * 2));
            }
        }

        private void Write(ReadOnlySpan<byte> data)
        {
            Reserve(data.Length);
            data.CopyTo(bytes.AsSpan(used));
            used += data.Length;
        }

        /// <summary>The UTF-8 byte count, a colon (as <see cref="Append"/> writes them).</summary>
        private void WriteLength(int length)
        {
            Reserve(12);
            length.TryFormat(bytes.AsSpan(used), out var written, default, CultureInfo.InvariantCulture);
            used += written;
            bytes[used++] = (byte)':';
        }

        private void WriteText(string text)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            WriteLength(length);
            Reserve(length);
            used += Encoding.UTF8.GetBytes(text, bytes.AsSpan(used));
        }

        /// <summary>
        /// <see cref="StoredInstant.Format"/> (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>, 27 characters) of a UTC time, digit by
        /// digit: the custom format's parser was most of the digest's time.
        /// </summary>
        private void WriteInstant(DateTime utc)
        {
            WriteLength(27);
            Reserve(27);
            var span = bytes.AsSpan(used, 27);
            Digits(span[..4], utc.Year);
            span[4] = (byte)'-';
            Digits(span.Slice(5, 2), utc.Month);
            span[7] = (byte)'-';
            Digits(span.Slice(8, 2), utc.Day);
            span[10] = (byte)'T';
            Digits(span.Slice(11, 2), utc.Hour);
            span[13] = (byte)':';
            Digits(span.Slice(14, 2), utc.Minute);
            span[16] = (byte)':';
            Digits(span.Slice(17, 2), utc.Second);
            span[19] = (byte)'.';
            Digits(span.Slice(20, 6), (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10));
            span[26] = (byte)'Z';
            used += 27;
        }

        private static void Digits(Span<byte> destination, int value)
        {
            for (var i = destination.Length - 1; i >= 0; i--)
            {
                destination[i] = (byte)('0' + (value % 10));
                value /= 10;
            }
        }

        /// <summary>
        /// A non-zero decimal as <see cref="DecimalFormat"/> writes it: its digits with trailing fractional zeros (and
        /// then the point) dropped. The general format never uses an exponent for a decimal, and the custom format's 28
        /// optional places cover any decimal's scale, so nothing is rounded either way.
        /// </summary>
        private void WriteDecimal(decimal number)
        {
            Span<byte> scratch = stackalloc byte[64];
            number.TryFormat(scratch, out var written, default, CultureInfo.InvariantCulture);
            if (scratch[..written].IndexOf((byte)'.') >= 0)
            {
                while (scratch[written - 1] == (byte)'0')
                {
                    written--;
                }

                if (scratch[written - 1] == (byte)'.')
                {
                    written--;
                }
            }

            WriteLength(written);
            Write(scratch[..written]);
        }

        /// <summary>A value whose text is ASCII (digits, signs, separators), so its byte count is its length.</summary>
        private void WriteFormatted<TValue>(TValue value, string format)
            where TValue : IUtf8SpanFormattable
        {
            Span<byte> scratch = stackalloc byte[64];
            if (!value.TryFormat(scratch, out var written, format, CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"A {typeof(TValue).Name} took more than 64 bytes to write.");
            }

            WriteLength(written);
            Write(scratch[..written]);
        }

        private sealed record Field(IClrPropertyGetter Getter, byte[] Name, bool Redacted);
    }

    /// <summary>The batch record of this digest for rows created at <paramref name="createdAt"/>.</summary>
    public LedgerBatch ToBatch(DateTimeOffset createdAt) => new(AuditInterceptor.Canonical(createdAt)!, Rows, Hex);

    private static Guid Version7Floor(long milliseconds)
    {
        Span<byte> bytes = stackalloc byte[16];
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        return new Guid(bytes, bigEndian: true);
    }

    private static void Append(StringBuilder text, string? value) =>
        text.Append(Encoding.UTF8.GetByteCount(value!)).Append(':').Append(value);
}
