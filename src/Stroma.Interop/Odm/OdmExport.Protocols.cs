using Microsoft.EntityFrameworkCore;
using Stroma.Data.Model;

namespace Stroma.Interop.Odm;

/// <summary>
/// Stored protocol versions in the ODM export, so that <see cref="OdmImport"/> can define them in an empty registry
/// before it enrols anyone on them. Each version's <c>MetaDataVersion</c> (<c>MDV.KEY.Vn</c>) describes its calendar
/// for reading; the definition itself, the format a site writes (docs/protocol.schema.json, canonical JSON), with the
/// version's status, reason for the change and approval e-signature, is <c>ReferenceData</c> (ODM 1.3.2 §3.1.4: data
/// that applies across subjects), <c>ItemGroupData IG.PROTOCOL</c>, one per version by key and number, before the lots.
/// These groups carry no <c>AuditRecord</c>: ODM's requires a <c>LocationRef</c>, and a protocol is no site's; who
/// signed and when are the group's own items. De-identified exports leave out the signer and the time of signing (a
/// person, and the date of a record without a patient), as they do for a lot's decisions. Built-in templates are not
/// stored and not written: every Stroma has them.
/// </summary>
public static partial class OdmExport
{
    internal static readonly (ProtocolVersionStatus Value, string Code, string Decode)[] ProtocolStatuses =
    [
        (ProtocolVersionStatus.Draft, "draft", "Draft: may still change"),
        (ProtocolVersionStatus.Approved, "approved", "Approved (e-signature): never changes"),
        (ProtocolVersionStatus.Retired, "retired", "Retired: no new enrolments"),
    ];

    private sealed partial class Writer
    {
        private long protocolVersionRecords;

        private void WriteProtocolVersionGroups() =>
            ItemGroupDef(OdmOids.ProtocolVersionGroup, "Protocol version (reference data)", true,
                [OdmOids.ProtocolVersionKey, OdmOids.ProtocolVersionNumber, OdmOids.ProtocolVersionStatus, OdmOids.ProtocolVersionDefinition,
                    OdmOids.ProtocolVersionReason, OdmOids.ProtocolVersionApprovedBy, OdmOids.ProtocolVersionApprovedAt, OdmOids.ProtocolVersionMeaning]);

        private void WriteProtocolVersionItems()
        {
            ItemDef(OdmOids.ProtocolVersionKey, "Protocol", "text", null, null, "The protocol's key");
            ItemDef(OdmOids.ProtocolVersionNumber, "Version", "integer");
            ItemDef(OdmOids.ProtocolVersionStatus, "Status", "text", null, OdmOids.ProtocolVersionStatusCodes);
            ItemDef(OdmOids.ProtocolVersionDefinition, "Definition", "text", null, null,
                "The protocol definition in Stroma's canonical JSON (format stroma-protocol/1, docs/protocol.schema.json)");
            ItemDef(OdmOids.ProtocolVersionReason, "Reason for the change", "text", null, null, "Why this version differs from the previous one (none for version 1)");
            ItemDef(OdmOids.ProtocolVersionApprovedBy, "Approved by", "text", null, null, "The user who signed the approval; identifiable exports only");
            ItemDef(OdmOids.ProtocolVersionApprovedAt, "Approved at", "datetime", null, null, "When the approval was signed; identifiable exports only");
            ItemDef(OdmOids.ProtocolVersionMeaning, "Meaning of the signature", "text");
        }

        private void WriteProtocolVersionCodeLists() =>
            CodeList(OdmOids.ProtocolVersionStatusCodes, "Protocol version status", [.. ProtocolStatuses.Select(c => (c.Code, c.Decode))]);

        private Task<List<ProtocolVersionRecord>> StoredProtocolVersionsAsync(CancellationToken cancellationToken) =>
            db.ProtocolVersions.AsNoTracking().OrderBy(v => v.ProtocolKey).ThenBy(v => v.Number).ToListAsync(cancellationToken);

        /// <summary>One <c>IG.PROTOCOL</c> per stored version, by key and number (repeat keys 1, 2, …).</summary>
        private void WriteProtocolVersionData(List<ProtocolVersionRecord> versions)
        {
            var repeat = 1;
            foreach (var v in versions)
            {
                xml.WriteStartElement("ItemGroupData");
                Attribute("ItemGroupOID", OdmOids.ProtocolVersionGroup);
                Attribute("ItemGroupRepeatKey", Number(repeat++));
                Item(OdmOids.ProtocolVersionKey, v.ProtocolKey);
                Item(OdmOids.ProtocolVersionNumber, Number(v.Number));
                Item(OdmOids.ProtocolVersionStatus, Code(ProtocolStatuses, v.Status));
                Item(OdmOids.ProtocolVersionDefinition, v.DefinitionJson);
                Item(OdmOids.ProtocolVersionReason, v.ChangeReason);
                Item(OdmOids.ProtocolVersionApprovedBy, deidentify ? null : v.ApprovedBy);
                Item(OdmOids.ProtocolVersionApprovedAt, deidentify || v.ApprovedAt is not { } at ? null : Text(at));
                Item(OdmOids.ProtocolVersionMeaning, v.ApprovalMeaning);
                xml.WriteEndElement();
                protocolVersionRecords++;
            }
        }
    }
}
