using System.Data.Common;
using System.Globalization;

namespace Stroma.Data.Report;

/// <summary>The engine's SQL dialect details and the cohort filters (sites, protocol) with their parameters.</summary>
internal sealed class ReportSql(bool postgres, IReadOnlyList<string> sites, string? protocol, string connectionString)
{
    /// <summary>Keeps the patients <c>p</c> that are enrolled: a baseline visit that is not deleted.</summary>
    public const string HasBaseline = "EXISTS (SELECT 1 FROM visits b WHERE b.patient_id = p.id AND b.type = 'baseline' AND b.deleted_at IS NULL)";

    public string ConnectionString => connectionString;

    public bool Postgres => postgres;

    /// <summary>Restricts rows joined to <c>sites s</c> to the chosen sites.</summary>
    public string SiteFilter => sites.Count == 0 ? "" : $"AND s.code IN ({string.Join(", ", sites.Select((_, i) => $"@site{i}"))})";

    /// <summary>Restricts rows joined to <c>patients p</c> to the patients enrolled on the chosen protocol.</summary>
    public string ProtocolFilter => protocol is null ? ""
        : "AND EXISTS (SELECT 1 FROM protocol_enrolments e WHERE e.patient_id = p.id AND e.protocol_key = @protocol AND e.deleted_at IS NULL)";

    /// <summary>Keeps the infusions <c>alias</c> given under an enrolment on the chosen protocol (nothing when none is named).</summary>
    public string InfusionProtocolJoin(string alias) => protocol is null ? ""
        : $"JOIN protocol_enrolments ie ON ie.id = {alias}.enrolment_id AND ie.protocol_key = @protocol AND ie.deleted_at IS NULL";

    /// <summary>Joins <c>patients p</c> and <c>sites s</c> to a table's <c>patient_id</c> when sites are chosen (else no join).</summary>
    public string PatientJoin(string alias) => sites.Count == 0 ? "" : $"JOIN patients p ON p.id = {alias}.patient_id JOIN sites s ON s.id = p.site_id";

    /// <summary>
    /// Restricts rows of a table read through its report index (analyte or instrument, visit id, value) to the visits of
    /// the chosen sites' patients (nothing when none is chosen). A semi-join on the visit id keeps the scan on that index
    /// alone: joining each row to its patient instead made SQLite fetch every lab row from the table (a one-site report
    /// took longer than the whole registry's, bench/report). The database still reads no other site's values into Stroma.
    /// </summary>
    public string VisitSiteFilter(string alias) => sites.Count == 0 ? ""
        : $"AND {alias}.visit_id IN (SELECT v.id FROM visits v JOIN patients p ON p.id = v.patient_id JOIN sites s ON s.id = p.site_id WHERE v.deleted_at IS NULL {SiteFilter})";

    /// <summary>The ids of the cohort's patients: chosen sites and protocol, not deleted, with a baseline visit.</summary>
    public string CohortIds => $"""
        SELECT p.id FROM patients p JOIN sites s ON s.id = p.site_id
        WHERE p.deleted_at IS NULL {SiteFilter} {ProtocolFilter} AND {HasBaseline}
        """;

    public string Real(string column) => postgres ? $"CAST({column} AS double precision)" : $"CAST({column} AS REAL)";

    public DbCommand Command(DbConnection connection, string text)
    {
        var command = connection.CreateCommand();
#pragma warning disable CA2100 // Only constant SQL fragments are interpolated; site codes and the protocol are parameters.
        command.CommandText = text;
#pragma warning restore CA2100
        command.CommandTimeout = 3600;
        void Add(string name, string value)
        {
            if (text.Contains(name, StringComparison.Ordinal))
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
        }

        for (var i = 0; i < sites.Count; i++)
        {
            Add($"@site{i}", sites[i]);
        }

        if (protocol is not null)
        {
            Add("@protocol", protocol);
        }

        return command;
    }

    /// <summary>Runs <paramref name="read"/> on a new connection to the same database (both engines allow concurrent readers; SQLite in WAL mode).</summary>
    public async Task<T> OnOwnConnectionAsync<T>(DbConnection template, Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        var factory = DbProviderFactories.GetFactory(template) ?? throw new InvalidOperationException("The provider has no factory.");
        await using var connection = factory.CreateConnection()!;
        connection.ConnectionString = connectionString;
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await read(connection).ConfigureAwait(false);
    }

    /// <summary>
    /// A date column as <see cref="DateOnly"/>, whatever the provider returns for it (DateOnly, DateTime or ISO text). On
    /// PostgreSQL every column read here is a <c>date</c>, read as <see cref="DateOnly"/> directly, without the boxed value
    /// of <see cref="DbDataReader.GetValue"/> (10^7 of them in a report at 10^6 patients).
    /// </summary>
    public static DateOnly? Date(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        if (reader is Npgsql.NpgsqlDataReader)
        {
            return reader.GetFieldValue<DateOnly>(ordinal);
        }

        return reader.GetValue(ordinal) switch
        {
            DateOnly d => d,
            DateTime t => DateOnly.FromDateTime(t),
            var other => DateOnly.Parse(Convert.ToString(other, CultureInfo.InvariantCulture)!.AsSpan(0, 10), CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>
/// One instance of each distinct string a read returns (visit types, site codes, sexes, adjudicators): per row the
/// provider still allocates the string, but that copy dies young, and the report keeps a handful of instances instead of
/// one per row (at 10^6 patients, 7 × 10^6 visit types and 2 × 10^6 site codes and sexes that would otherwise live on in
/// the collector's oldest generation until the report ends). For one read on one thread.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);

    public string Get(string value)
    {
        ref var pooled = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(strings, value, out var exists);
        if (!exists)
        {
            pooled = value;
        }

        return pooled!;
    }
}
