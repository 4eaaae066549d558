using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Protocols;

/// <summary>A protocol version as another registry stored it (an ODM file's <c>IG.PROTOCOL</c>): definition, status, reason and approval signature.</summary>
/// <param name="Key">Protocol key.</param>
/// <param name="Number">Version number (1, 2, …).</param>
/// <param name="Status">Draft, approved or retired.</param>
/// <param name="DefinitionJson">The definition (the canonical JSON of <see cref="ProtocolDefinitions.ToJson"/>; any valid JSON definition is read).</param>
/// <param name="ChangeReason">Why it differs from the previous version (required from version 2 on).</param>
/// <param name="ApprovedBy">Who signed the approval (an approved or retired version only).</param>
/// <param name="ApprovedAt">When.</param>
/// <param name="ApprovalMeaning">The signature's meaning.</param>
public sealed record StoredProtocolVersion(string Key, int Number, ProtocolVersionStatus Status, string DefinitionJson, string? ChangeReason,
    string? ApprovedBy, DateTimeOffset? ApprovedAt, string? ApprovalMeaning);

/// <summary>What <see cref="ProtocolVersions.RestoreAsync"/> did: the version, and whether the registry held it already.</summary>
public sealed record RestoredProtocolVersion(ProtocolVersionRecord Record, bool AlreadyHeld);

public static partial class ProtocolVersions
{
    /// <summary>
    /// Restores a protocol version as another registry stored it (<c>stroma import odm</c>), with the rules it met there
    /// when it was defined and approved: not a built-in template's key (PRT007); a definition that reads as a file does
    /// (PRT001–PRT006) and is of this key (PRT003); versions in order, 1, 2, … with no gap, after an approved or retired
    /// version only (a draft is always the last version; PRT003); a reason from version 2 on (PRT012); an approved or
    /// retired version signed (who, when, meaning: PRT011; not in the future: PRT003) with every dose and lymphodepletion
    /// regimen set (PRT009, CAR003), a draft unsigned (PRT011). The signature is the file's, not the importer's: it is
    /// history (the audit trail records the import itself). A version the registry already holds is accepted when it is
    /// the same (definition, status, reason and signature) and refused otherwise (PRT015); nothing is written for it.
    /// </summary>
    public static async Task<CellTherapyResult<RestoredProtocolVersion>> RestoreAsync(StromaDbContext db, StoredProtocolVersion version,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(version);
        var key = version.Key;
        if (ProtocolTemplates.Find(key) is not null)
        {
            return Refusal.Of<RestoredProtocolVersion>([Issue.Error(IssueCodes.ProtocolTemplateReadOnly, "key",
                $"'{key}' is a built-in template: it ships with Stroma and is not stored or imported.")]);
        }

        if (version.Number < 1)
        {
            return Refusal.Of<RestoredProtocolVersion>([Issue.Error(IssueCodes.ProtocolFieldInvalid, "version", $"{Number(version.Number)} is not a version number (1, 2, …).")]);
        }

        var (definition, problems) = ProtocolDefinitions.Parse(version.DefinitionJson, Number(version.Number));
        if (definition is null)
        {
            return Refusal.Of<RestoredProtocolVersion>(problems);
        }

        var issues = new List<Issue>();
        if (definition.Protocol.Key != key)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, "key", $"The definition is of the protocol '{definition.Protocol.Key}', not of '{key}'."));
        }

        var json = ProtocolDefinitions.ToJson(definition);
        var reason = string.IsNullOrWhiteSpace(version.ChangeReason) ? null : version.ChangeReason.Trim();
        var signer = string.IsNullOrWhiteSpace(version.ApprovedBy) ? null : version.ApprovedBy.Trim();
        var meaning = string.IsNullOrWhiteSpace(version.ApprovalMeaning) ? null : version.ApprovalMeaning.Trim();
        // Compared and stored as the registry keeps every instant (UTC, whole microseconds).
        var approvedAt = version.ApprovedAt is { } at ? StoredInstant.Truncate(at) : (DateTimeOffset?)null;
        var held = await db.ProtocolVersions.SingleOrDefaultAsync(v => v.ProtocolKey == key && v.Number == version.Number, cancellationToken).ConfigureAwait(false);
        if (held is not null)
        {
            var same = held.DefinitionJson == json && held.Status == version.Status && held.ChangeReason == reason && held.ApprovedBy == signer
                && held.ApprovedAt == approvedAt && held.ApprovalMeaning == meaning;
            return same && issues.Count == 0 ? new CellTherapyResult<RestoredProtocolVersion>(new RestoredProtocolVersion(held, AlreadyHeld: true), [])
                : Refusal.Of<RestoredProtocolVersion>([.. issues, Issue.Error(IssueCodes.ProtocolVersionDiffers, "version",
                    $"The registry already holds {key} version {Number(version.Number)} ({held.Status.ToString().ToLowerInvariant()}) and it differs from the file's "
                    + $"({Differences(held, json, version.Status, reason, signer, approvedAt, meaning)}): a version never changes once defined elsewhere; import into a registry without it.")]);
        }

        var protocol = await db.Protocols.SingleOrDefaultAsync(p => p.Key == key, cancellationToken).ConfigureAwait(false);
        var latest = protocol is null ? null
            : await db.ProtocolVersions.Where(v => v.ProtocolId == protocol.Id).OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var expected = (latest?.Number ?? 0) + 1;
        if (version.Number != expected)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, "version",
                $"{key} version {Number(version.Number)} comes after version {Number(version.Number - 1)}, which {(latest is null ? "is not in the registry or before it in the file" : $"is not the latest ({Number(latest.Number)})")}: versions are restored in order, 1, 2, …"));
        }
        else if (latest is { Status: ProtocolVersionStatus.Draft })
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, "version",
                $"{key} version {Number(latest.Number)} is a draft: a draft is always a protocol's last version, so no version {Number(version.Number)} can follow it."));
        }

        if (version.Number > 1 && reason is null)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolChangeReasonMissing, "reason", $"{key} version {Number(version.Number)} has no reason for the change from version {Number(version.Number - 1)}."));
        }

        if (version.Status == ProtocolVersionStatus.Draft)
        {
            if (signer is not null || approvedAt is not null || meaning is not null)
            {
                issues.Add(Issue.Error(IssueCodes.ProtocolApprovalIncomplete, "approval", $"{key} version {Number(version.Number)} is a draft but carries an approval signature."));
            }
        }
        else
        {
            if (signer is null || meaning is null || approvedAt is null)
            {
                issues.Add(Issue.Error(IssueCodes.ProtocolApprovalIncomplete, "approval",
                    $"{key} version {Number(version.Number)} is {version.Status.ToString().ToLowerInvariant()}: its approval signature needs the signer, the time and the meaning."));
            }
            else if (approvedAt > db.Clock.GetUtcNow())
            {
                issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, "approved_at", $"{key} version {Number(version.Number)} was approved at {approvedAt:O}, which is in the future."));
            }

            issues.AddRange(ApprovalProblems(definition));
        }

        if (issues.Count > 0)
        {
            return Refusal.Of<RestoredProtocolVersion>(issues);
        }

        if (protocol is null)
        {
            protocol = new ProtocolRecord { Id = Guid.CreateVersion7(), Key = key, Name = definition.Protocol.Name };
            db.Protocols.Add(protocol);
        }

        var record = new ProtocolVersionRecord
        {
            Id = Guid.CreateVersion7(),
            ProtocolId = protocol.Id,
            ProtocolKey = key,
            Number = version.Number,
            Status = version.Status,
            Name = definition.Protocol.Name,
            DefinitionJson = json,
            ConsentVersion = definition.ConsentVersion,
            LateEntryDays = definition.LateEntryDays,
            ChangeReason = reason,
            ApprovedBy = signer,
            ApprovedAt = approvedAt,
            ApprovalMeaning = meaning,
        };
        db.ProtocolVersions.Add(record);
        db.ChangeReason = $"imported: {key} version {Number(version.Number)} as the source registry stored it"
            + (signer is null ? "" : $" (approved by {signer} at {approvedAt:O}: {meaning})");
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<RestoredProtocolVersion>(new RestoredProtocolVersion(record, AlreadyHeld: false), []);
    }

    private static string Differences(ProtocolVersionRecord held, string json, ProtocolVersionStatus status, string? reason, string? signer, DateTimeOffset? at, string? meaning)
    {
        var fields = new List<string>();
        if (held.DefinitionJson != json)
        {
            fields.Add("definition");
        }

        if (held.Status != status)
        {
            fields.Add($"status {held.Status.ToString().ToLowerInvariant()} here, {status.ToString().ToLowerInvariant()} in the file");
        }

        if (held.ChangeReason != reason)
        {
            fields.Add("reason for the change");
        }

        if (held.ApprovedBy != signer || held.ApprovedAt != at || held.ApprovalMeaning != meaning)
        {
            fields.Add("approval signature");
        }

        return fields.Count == 0 ? "its key" : string.Join(", ", fields);
    }
}
