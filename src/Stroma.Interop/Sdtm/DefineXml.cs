using System.Globalization;
using System.Xml;

namespace Stroma.Interop.Sdtm;

/// <summary>
/// <c>define.xml</c>: the data definition of the SDTM export in CDISC Define-XML 2.0 (Define-XML Specification Version
/// 2.0, CDISC, 2013-03-05; an extension of ODM 1.3.2): one <c>ItemGroupDef</c> per dataset with an <c>ItemRef</c> per
/// variable in the file's column order (<c>Mandatory</c> Yes for SDTMIG "Req" variables), one <c>ItemDef</c> per variable
/// (name, label, data type, length for text and numbers, <c>def:Origin</c>), and a <c>CodeList</c> for each codelist whose
/// values the export wrote: the values actually written, each CDISC term with its NCI code (<c>Alias
/// Context="nci:ExtCodeID"</c>), a sponsor-defined value in an extensible CDISC codelist marked
/// <c>def:ExtendedValue="Yes"</c>. Value-level metadata, methods and comments are not written (docs/interop.md).
/// </summary>
public static class DefineXml
{
    public const string FileName = "define.xml";

    public const string OdmNamespace = "http://www.cdisc.org/ns/odm/v1.3";

    public const string DefNamespace = "http://www.cdisc.org/ns/def/v2.0";

    private const string XlinkNamespace = "http://www.w3.org/1999/xlink";

    private static string TypeName(SdtmType type) => type switch
    {
        SdtmType.WholeNumber => "integer",
        SdtmType.DecimalNumber => "float",
        SdtmType.DateTime => "datetime",
        SdtmType.Date => "date",
        _ => "text",
    };

    public static async Task WriteAsync(string path, string studyId, DateTimeOffset created, IReadOnlyDictionary<string, SortedDictionary<string, (string? NciCode, string? Decode)>> usedTerms,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usedTerms);
        var settings = new XmlWriterSettings { Async = true, Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var xml = XmlWriter.Create(stream, settings);
        await xml.WriteStartDocumentAsync().ConfigureAwait(false);
        xml.WriteStartElement("ODM", OdmNamespace);
        xml.WriteAttributeString("xmlns", "def", null, DefNamespace);
        xml.WriteAttributeString("xmlns", "xlink", null, XlinkNamespace);
        xml.WriteAttributeString("ODMVersion", "1.3.2");
        xml.WriteAttributeString("FileType", "Snapshot");
        xml.WriteAttributeString("FileOID", $"Stroma.SDTM.{studyId}");
        xml.WriteAttributeString("CreationDateTime", created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        xml.WriteAttributeString("Originator", "Stroma");
        xml.WriteAttributeString("SourceSystem", "Stroma");

        xml.WriteStartElement("Study", OdmNamespace);
        xml.WriteAttributeString("OID", $"STUDY.{studyId}");
        xml.WriteStartElement("GlobalVariables", OdmNamespace);
        xml.WriteElementString("StudyName", OdmNamespace, studyId);
        xml.WriteElementString("StudyDescription", OdmNamespace, $"{studyId}: SDTM tabulation exported by Stroma");
        xml.WriteElementString("ProtocolName", OdmNamespace, studyId);
        xml.WriteEndElement();

        xml.WriteStartElement("MetaDataVersion", OdmNamespace);
        xml.WriteAttributeString("OID", $"MDV.{studyId}.SDTMIG.{SdtmDatasets.ImplementationGuide}");
        xml.WriteAttributeString("Name", $"{studyId}, SDTMIG {SdtmDatasets.ImplementationGuide}");
        xml.WriteAttributeString("Description", $"SDTM datasets of {studyId}; CDISC Controlled Terminology {SdtmTerminology.Version}");
        xml.WriteAttributeString("DefineVersion", DefNamespace, SdtmDatasets.DefineVersion);
        xml.WriteAttributeString("StandardName", DefNamespace, "SDTM-IG");
        xml.WriteAttributeString("StandardVersion", DefNamespace, SdtmDatasets.ImplementationGuide);

        bool HasValues(string? codelist) => codelist is not null && usedTerms.TryGetValue(codelist, out var values) && values.Count > 0;

        foreach (var dataset in SdtmDatasets.All)
        {
            xml.WriteStartElement("ItemGroupDef", OdmNamespace);
            xml.WriteAttributeString("OID", $"IG.{dataset.Domain}");
            xml.WriteAttributeString("Domain", dataset.Domain);
            xml.WriteAttributeString("Name", dataset.Domain);
            xml.WriteAttributeString("Repeating", dataset.Domain == "DM" ? "No" : "Yes");
            xml.WriteAttributeString("IsReferenceData", "No");
            xml.WriteAttributeString("SASDatasetName", dataset.Domain);
            xml.WriteAttributeString("Purpose", "Tabulation");
            xml.WriteAttributeString("Structure", DefNamespace, dataset.Structure);
            xml.WriteAttributeString("Class", DefNamespace, dataset.Class);
            xml.WriteAttributeString("ArchiveLocationID", DefNamespace, $"LF.{dataset.Domain}");
            Description(xml, dataset.Label);
            var order = 1;
            foreach (var variable in dataset.Variables)
            {
                xml.WriteStartElement("ItemRef", OdmNamespace);
                xml.WriteAttributeString("ItemOID", ItemOid(dataset, variable));
                xml.WriteAttributeString("OrderNumber", (order++).ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("Mandatory", variable.Core == "Req" ? "Yes" : "No");
                xml.WriteEndElement();
            }

            xml.WriteStartElement("leaf", DefNamespace);
            xml.WriteAttributeString("ID", $"LF.{dataset.Domain}");
            xml.WriteAttributeString("href", XlinkNamespace, dataset.FileName);
            xml.WriteElementString("title", DefNamespace, dataset.FileName);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        foreach (var dataset in SdtmDatasets.All)
        {
            foreach (var variable in dataset.Variables)
            {
                xml.WriteStartElement("ItemDef", OdmNamespace);
                xml.WriteAttributeString("OID", ItemOid(dataset, variable));
                xml.WriteAttributeString("Name", variable.Name);
                xml.WriteAttributeString("SASFieldName", variable.Name);
                xml.WriteAttributeString("DataType", TypeName(variable.Type));
                if (variable.Type is SdtmType.Text or SdtmType.WholeNumber or SdtmType.DecimalNumber)
                {
                    xml.WriteAttributeString("Length", variable.Length.ToString(CultureInfo.InvariantCulture));
                }

                Description(xml, variable.Label);
                if (HasValues(variable.Codelist))
                {
                    xml.WriteStartElement("CodeListRef", OdmNamespace);
                    xml.WriteAttributeString("CodeListOID", $"CL.{variable.Codelist}");
                    xml.WriteEndElement();
                }

                xml.WriteStartElement("Origin", DefNamespace);
                xml.WriteAttributeString("Type", variable.Origin);
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
        }

        foreach (var (name, values) in usedTerms.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (values.Count == 0)
            {
                continue;
            }

            var cdisc = SdtmTerminology.Codelists.TryGetValue(name, out var list) ? list : ((string NciCode, bool Extensible, string Name)?)null;
            var decoded = values.Values.Any(v => v.Decode is not null);
            xml.WriteStartElement("CodeList", OdmNamespace);
            xml.WriteAttributeString("OID", $"CL.{name}");
            xml.WriteAttributeString("Name", cdisc?.Name ?? SdtmDatasets.SponsorCodelists.GetValueOrDefault(name, name));
            xml.WriteAttributeString("DataType", "text");
            var order = 1;
            foreach (var (value, (nci, decode)) in values)
            {
                xml.WriteStartElement(decoded ? "CodeListItem" : "EnumeratedItem", OdmNamespace);
                xml.WriteAttributeString("CodedValue", value);
                xml.WriteAttributeString("OrderNumber", (order++).ToString(CultureInfo.InvariantCulture));
                if (cdisc is not null && nci is null)
                {
                    xml.WriteAttributeString("ExtendedValue", DefNamespace, "Yes");
                }

                if (decoded)
                {
                    xml.WriteStartElement("Decode", OdmNamespace);
                    Translated(xml, decode ?? value);
                    xml.WriteEndElement();
                }

                if (nci is not null)
                {
                    Alias(xml, nci);
                }

                xml.WriteEndElement();
            }

            if (cdisc is { } c)
            {
                Alias(xml, c.NciCode);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        await xml.WriteEndDocumentAsync().ConfigureAwait(false);
        await xml.FlushAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static string ItemOid(SdtmDataset dataset, SdtmVariable variable) => $"IT.{dataset.Domain}.{variable.Name}";

    private static void Description(XmlWriter xml, string text)
    {
        xml.WriteStartElement("Description", OdmNamespace);
        Translated(xml, text);
        xml.WriteEndElement();
    }

    private static void Translated(XmlWriter xml, string text)
    {
        xml.WriteStartElement("TranslatedText", OdmNamespace);
        xml.WriteAttributeString("xml", "lang", null, "en");
        xml.WriteString(text);
        xml.WriteEndElement();
    }

    private static void Alias(XmlWriter xml, string nciCode)
    {
        xml.WriteStartElement("Alias", OdmNamespace);
        xml.WriteAttributeString("Context", "nci:ExtCodeID");
        xml.WriteAttributeString("Name", nciCode);
        xml.WriteEndElement();
    }
}
