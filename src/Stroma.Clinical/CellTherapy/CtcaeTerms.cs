namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// One adverse-event term of CTCAE v5.0: its MedDRA code (the lowest level term's code, as CTCAE publishes it), its
/// MedDRA system organ class, the term as written, and the grades the term defines (a grade shown as "-" in CTCAE does
/// not exist for the term: febrile neutropenia has grades 3 to 5 only).
/// </summary>
public sealed record CtcaeTerm(string MeddraCode, string Soc, string Term, IReadOnlyList<CtcaeGrade> Grades)
{
    /// <summary>True when <paramref name="grade"/> is one of the term's grades.</summary>
    public bool Allows(CtcaeGrade grade) => Grades.Contains(grade);
}

/// <summary>
/// The term list of the Common Terminology Criteria for Adverse Events (CTCAE) version 5.0 (U.S. Department of Health
/// and Human Services, National Institutes of Health, National Cancer Institute; published November 27, 2017):
/// all 837 terms with MedDRA code, system organ class and the grades each defines. The data are
/// <c>data/ctcae/ctcae-v5.0-terms.csv</c>, taken from NCI's spreadsheet <c>CTCAE_v5.0_2017-11-27.xlsx</c> and checked
/// term by term against a second, independent copy (data/ctcae/README.md says which, and how); embedded in this
/// assembly, so reading them is no I/O. CTCAE is a work of the U.S. Government (public domain in the United States).
/// </summary>
public static class CtcaeV5
{
    public const string Version = "5.0";

    private const string ResourceName = "ctcae-v5.0-terms.csv";

    private static readonly Lazy<(IReadOnlyList<CtcaeTerm> Terms, Dictionary<string, CtcaeTerm> ByTerm, Dictionary<string, CtcaeTerm> ByCode)> Loaded = new(Load);

    /// <summary>Every term, in the published order (by system organ class, then term).</summary>
    public static IReadOnlyList<CtcaeTerm> Terms => Loaded.Value.Terms;

    /// <summary>The term written exactly as CTCAE writes it, ignoring letter case and surrounding spaces; null for any other text.</summary>
    public static CtcaeTerm? Find(string? term) =>
        term is null ? null : Loaded.Value.ByTerm.GetValueOrDefault(term.Trim());

    /// <summary>The term with this MedDRA code; null when CTCAE v5.0 has none.</summary>
    public static CtcaeTerm? FindByCode(string? meddraCode) =>
        meddraCode is null ? null : Loaded.Value.ByCode.GetValueOrDefault(meddraCode.Trim());

    private static (IReadOnlyList<CtcaeTerm>, Dictionary<string, CtcaeTerm>, Dictionary<string, CtcaeTerm>) Load()
    {
        using var stream = typeof(CtcaeV5).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(CtcaeV5).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var terms = new List<CtcaeTerm>();
        var header = reader.ReadLine();
        Preconditions.Requires(header == "meddra_code,soc,term,grades", $"Unexpected header of {ResourceName}: {header}");
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = SplitCsv(line);
            Preconditions.Requires(fields.Count == 4, $"{ResourceName}: expected 4 fields in \"{line}\".");
            var grades = fields[3].Select(c => (CtcaeGrade)(c - '0')).ToList();
            Preconditions.Requires(grades.Count > 0 && grades.All(Enum.IsDefined), $"{ResourceName}: bad grades in \"{line}\".");
            terms.Add(new CtcaeTerm(fields[0], fields[1], fields[2], grades));
        }

        return (terms, terms.ToDictionary(t => t.Term, StringComparer.OrdinalIgnoreCase), terms.ToDictionary(t => t.MeddraCode, StringComparer.Ordinal));
    }

    /// <summary>One CSV line (RFC 4180 quoting: a field with a comma is quoted, a quote inside is doubled).</summary>
    private static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}
