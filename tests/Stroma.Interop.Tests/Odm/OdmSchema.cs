// Source: CDISC ODM 1.3.2 specification (2013-12-01), each OID reference names an object
// defined in the file. The XML schema itself is not in the repository (data/odm/1.3.2/README.md says why and how to
// validate against it).
using System.Xml.Linq;
using Stroma.Interop.Odm;

namespace Stroma.Interop.Tests.Odm;

/// <summary>The OID references of an ODM file that the XML schema does not check.</summary>
internal static class OdmSchema
{
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
