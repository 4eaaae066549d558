using System.Globalization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Stroma.Data.Model;

/// <summary>
/// The one form in which the registry keeps an instant: UTC, truncated to whole microseconds. PostgreSQL's
/// <c>timestamptz</c> keeps microseconds while .NET keeps 100 ns ticks, and Npgsql refuses a non-zero offset; SQLite
/// keeps whatever text it is given. Stored this way, both engines hold the same value, text columns sort in time
/// order, and the audit trail (which writes instants in <see cref="Format"/>) hashes what was stored.
/// </summary>
public static class StoredInstant
{
    /// <summary>How the audit trail writes an instant (hash chain and field values): UTC with microseconds.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Converts to UTC and drops the ticks below a microsecond.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The audit trail's text for an instant.</summary>
    public static string ToAuditText(DateTimeOffset instant) => Truncate(instant).ToString(Format, CultureInfo.InvariantCulture);
}

/// <summary>
/// Applies <see cref="StoredInstant.Truncate"/> to every <see cref="DateTimeOffset"/> column on the way in (and out, so
/// rows written before this converter read back in the same form); configured once in
/// <see cref="StromaDbContext"/>'s conventions, so no feature truncates by hand.
/// </summary>
public sealed class StoredInstantConverter : ValueConverter<DateTimeOffset, DateTimeOffset>
{
    public StoredInstantConverter()
        : base(v => StoredInstant.Truncate(v), v => StoredInstant.Truncate(v))
    {
    }
}
