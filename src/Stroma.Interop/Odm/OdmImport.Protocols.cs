using Stroma.Clinical.Issues;
using Stroma.Data.Protocols;

namespace Stroma.Interop.Odm;

/// <summary>
/// The protocol versions of <see cref="OdmImport"/>, from the file's <c>ReferenceData</c> (<c>IG.PROTOCOL</c>, written
/// before the lots, so every version is defined before a subject is enrolled on it). Each goes through
/// <see cref="ProtocolVersions.RestoreAsync"/>, the one owner of stored protocols: the definition read as a definition
/// file is read (PRT001–PRT006), versions 1, 2, … in order with a reason from version 2 on, an approved version signed
/// (who, when, meaning) with every dose set, a draft unsigned, never a built-in template's key. A version the registry
/// already holds (defined there before the import) is accepted when it is the same and refused otherwise (PRT015).
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        /// <summary>Protocol versions this file defined (not counting versions the registry already held, identical).</summary>
        public int DefinedProtocolVersions { get; private set; }

        private static readonly HashSet<string> ProtocolVersionItems = new(
        [
            OdmOids.ProtocolVersionKey, OdmOids.ProtocolVersionNumber, OdmOids.ProtocolVersionStatus, OdmOids.ProtocolVersionDefinition,
            OdmOids.ProtocolVersionReason, OdmOids.ProtocolVersionApprovedBy, OdmOids.ProtocolVersionApprovedAt, OdmOids.ProtocolVersionMeaning,
        ], StringComparer.Ordinal);

        private async Task AddProtocolVersionAsync(Dictionary<string, string?> values, string where, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var key = Text(values, OdmOids.ProtocolVersionKey, where, required: true)?.Trim();
            if (values.GetValueOrDefault(OdmOids.ProtocolVersionNumber) is not { Length: > 0 })
            {
                Error(IssueCodes.OdmMissing, At(where, OdmOids.ProtocolVersionNumber), "this item is required.");
            }

            var number = Integer(values, OdmOids.ProtocolVersionNumber, where, 1, 1_000_000);
            var status = Code(values, OdmOids.ProtocolVersionStatus, where, OdmExport.ProtocolStatuses, OdmOids.ProtocolVersionStatusCodes, required: true);
            var definition = Text(values, OdmOids.ProtocolVersionDefinition, where, required: true);
            var approvedAt = Instant(values, OdmOids.ProtocolVersionApprovedAt, where);
            if (Issues.Count(i => i.IsError) > before || key is null || number is null || status is null || definition is null)
            {
                return;
            }

            var result = await ProtocolVersions.RestoreAsync(db, new StoredProtocolVersion(key, number.Value, status.Value, definition,
                Text(values, OdmOids.ProtocolVersionReason, where), Text(values, OdmOids.ProtocolVersionApprovedBy, where), approvedAt,
                Text(values, OdmOids.ProtocolVersionMeaning, where)), cancellationToken).ConfigureAwait(false);
            if (!Refuse(result.Issues, where) && result.Value is { AlreadyHeld: false })
            {
                DefinedProtocolVersions++;
            }
        }
    }
}
