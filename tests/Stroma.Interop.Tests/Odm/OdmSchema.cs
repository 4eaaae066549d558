// Source: CDISC ODM 1.3.2 XML schema (ODM1-3-2.xsd and the files it imports), placed in data/odm/1.3.2 from the source
// its README names and checked there by SHA-256 before use.
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Stroma.Interop.Odm;
using Stroma.Tests;

namespace Stroma.Interop.Tests.Odm;

/// <summary>The vendored ODM 1.3.2 schema, and validation of a file against it plus the references XSD does not check.</summary>
internal static partial class OdmSchema
{
    public static string Folder => Path.Combine(RepositoryRoot.Path, "data", "odm", "1.3.2");

    private static readonly Lazy<XmlSchemaSet> Schemas = new(Load);

    [GeneratedRegex(@"^\| `([^`]+\.xsd)` \|.*\| `([0-9a-f]{64})` \|$", RegexOptions.Multiline)]
    private static partial Regex ChecksumRow();

    /// <summary>The files and SHA-256 sums README.md lists.</summary>
    public static IReadOnlyDictionary<string, string> Checksums() =>
        ChecksumRow().Matches(File.ReadAllText(Path.Combine(Folder, "README.md"))).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static XmlSchemaSet Load()
    {
        foreach (var (file, sha) in Checksums())
        {
            var path = Path.Combine(Folder, file);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing: place the CDISC ODM 1.3.2 schema files as data/odm/1.3.2/README.md says.");
            }

            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            if (actual != sha)
            {
                throw new InvalidOperationException($"{path} has SHA-256 {actual}; data/odm/1.3.2/README.md lists {sha} (not CDISC's file).");
            }
        }

        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, XmlResolver = new XmlUrlResolver() };
        using (var reader = XmlReader.Create(Path.Combine(Folder, "ODM1-3-2.xsd"), settings))
        {
            set.Add(OdmOids.Namespace, reader);
        }

        set.Compile();
        return set;
    }

    /// <summary>Every schema error and warning of a file, as "line:column severity message".</summary>
    public static List<string> Validate(string path)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schemas.Value };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Exception.LineNumber}:{e.Exception.LinePosition} {e.Severity} {e.Message}");
        using var reader = XmlReader.Create(path, settings);
        while (reader.Read())
        {
        }

        return problems;
    }

    /// <summary>
    /// References that do not resolve within the file (ODM 1.3.2 requires each OID reference to name a defined object; the
    /// XSD does not check this): "Element/@Attribute=value" for each.
    /// </summary>
    public static List<string> Unresolved(string path)
    {
        XNamespace odm = OdmOids.Namespace;
        var document = XDocument.Load(path);
        HashSet<string> Defined(string element) => [.. document.Descendants(odm + element).Select(e => (string)e.Attribute("OID")!)];
        var targets = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["StudyEventOID"] = Defined("StudyEventDef"),
            ["FormOID"] = Defined("FormDef"),
            ["ItemGroupOID"] = Defined("ItemGroupDef"),
            ["ItemOID"] = Defined("ItemDef"),
            ["CodeListOID"] = Defined("CodeList"),
            ["MeasurementUnitOID"] = Defined("MeasurementUnit"),
            ["LocationOID"] = Defined("Location"),
            ["UserOID"] = Defined("User"),
            ["MetaDataVersionOID"] = Defined("MetaDataVersion"),
        };
        return [.. document.Descendants().SelectMany(e => e.Attributes().Where(a => targets.ContainsKey(a.Name.LocalName) && !targets[a.Name.LocalName].Contains(a.Value))
            .Select(a => $"{e.Name.LocalName}/@{a.Name.LocalName}={a.Value}"))];
    }
}
