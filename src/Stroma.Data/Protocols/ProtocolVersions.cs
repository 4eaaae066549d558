using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.CellTherapy;
using Stroma.Data.Model;

namespace Stroma.Data.Protocols;

/// <summary>One protocol version as people read it: stored, or a built-in template (approved, read-only, version 1).</summary>
/// <param name="Key">Protocol key.</param>
/// <param name="Number">Version number.</param>
/// <param name="Status">Draft, approved or retired.</param>
/// <param name="Definition">The parsed definition (its protocol's version is <paramref name="Number"/>).</param>
/// <param name="DefinitionJson">The canonical JSON.</param>
/// <param name="ChangeReason">Why it differs from the previous version.</param>
/// <param name="ApprovedBy">Who signed the approval (null for a draft; "stroma" for a built-in template).</param>
/// <param name="ApprovedAt">When (null for a draft or a built-in template, which ships approved).</param>
/// <param name="ApprovalMeaning">The signature's meaning.</param>
/// <param name="IsTemplate">A built-in template (read-only; copy it to adapt it).</param>
public sealed record ProtocolVersionView(string Key, int Number, ProtocolVersionStatus Status, ProtocolDefinition Definition, string DefinitionJson,
    string? ChangeReason, string? ApprovedBy, DateTimeOffset? ApprovedAt, string? ApprovalMeaning, bool IsTemplate);

/// <summary>
/// The one owner of stored protocols and their versions (issue #14): define a draft from a file, copy a built-in
/// template, approve with an e-signature, list and show. The three built-in templates are approved read-only version 1
/// of their keys, served from <see cref="ProtocolTemplates"/>; a site copies them under its own key.
/// </summary>
public static partial class ProtocolVersions
{
    /// <summary>Who signed the built-in templates: they ship approved with Stroma, cited in their source and notes.</summary>
    public const string TemplateSigner = "stroma (built-in template)";

    /// <summary>The built-in templates as approved version 1.</summary>
    public static IReadOnlyList<ProtocolVersionView> Templates { get; } = [.. ProtocolTemplates.All.Select(Template)];

    /// <summary>
    /// Defines a draft from a JSON or YAML definition: version 1 of a new key, or version N+1 (with
    /// <paramref name="reason"/>) after an approved version N. A draft that is still open is replaced (audited).
    /// </summary>
    public static async Task<CellTherapyResult<ProtocolVersionRecord>> DefineAsync(StromaDbContext db, string text, string? reason,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (json, unreadable) = ProtocolFiles.ToJson(text);
        if (unreadable is not null)
        {
            return Refusal.Of<ProtocolVersionRecord>([unreadable]);
        }

        var (definition, issues) = ProtocolDefinitions.Parse(json!, "0");
        return definition is null ? Refusal.Of<ProtocolVersionRecord>(issues) : await StoreAsync(db, definition, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies a built-in template as a draft of <paramref name="newKey"/>, with the doses in <paramref name="doses"/>
    /// (component key → dose) set; a dose the template's source does not give stays not set until the site sets it.
    /// </summary>
    public static async Task<CellTherapyResult<ProtocolVersionRecord>> CopyAsync(StromaDbContext db, string templateKey, string newKey,
        IReadOnlyDictionary<string, DoseRule>? doses, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var template = ProtocolTemplates.Find(templateKey);
        if (template is null)
        {
            return Refusal.Of<ProtocolVersionRecord>([Issue.Error(IssueCodes.ProtocolVersionNotFound, "template",
                $"No built-in template '{templateKey}' (templates: {string.Join(", ", ProtocolTemplates.All.Select(p => p.Key))}).")]);
        }

        var issues = new List<Issue>();
        var components = template.Components.ToList();
        var notes = template.Notes.ToList();
        foreach (var (component, dose) in doses ?? new Dictionary<string, DoseRule>())
        {
            var index = components.FindIndex(c => c.Key == component);
            if (index < 0)
            {
                issues.Add(Issue.Error(IssueCodes.ProtocolFieldInvalid, $"dose.{component}",
                    $"The template {templateKey} has no component '{component}' (components: {string.Join(", ", components.Select(c => c.Key))})."));
                continue;
            }

            components[index] = components[index] with { Dose = dose };
            notes.Add($"SITE'S CHOICE: the {components[index].Label} dose {dose} was set by the site when copying (not from the template's source).");
        }

        if (!components.Any(c => c.Dose is DoseRule.NotSet) && (template.CarT?.Lymphodepletion.All(a => a.IsSet) ?? true))
        {
            notes.RemoveAll(n => n.StartsWith("SITE MUST SET:", StringComparison.Ordinal));
        }

        if (issues.Count > 0)
        {
            return Refusal.Of<ProtocolVersionRecord>(issues);
        }

        var copy = ProtocolDefinitions.FromTemplate(template with { Components = components, Notes = notes }, newKey);
        // Round trip through the canonical text so a copy is checked exactly like a file (key format, catalogues).
        var (definition, problems) = ProtocolDefinitions.Parse(ProtocolDefinitions.ToJson(copy), "0");
        return definition is null ? Refusal.Of<ProtocolVersionRecord>(problems)
            : await StoreAsync(db, definition, reason ?? $"copied from the built-in template {templateKey}", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<CellTherapyResult<ProtocolVersionRecord>> StoreAsync(StromaDbContext db, ProtocolDefinition definition, string? reason,
        CancellationToken cancellationToken)
    {
        var key = definition.Protocol.Key;
        if (ProtocolTemplates.Find(key) is not null)
        {
            return Refusal.Of<ProtocolVersionRecord>([Issue.Error(IssueCodes.ProtocolTemplateReadOnly, "key",
                $"'{key}' is a built-in template: templates are read-only. Copy it under your own key (stroma protocol copy {key} NEW_KEY).")]);
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var protocol = await db.Protocols.SingleOrDefaultAsync(p => p.Key == key, cancellationToken).ConfigureAwait(false);
        var latest = protocol is null ? null
            : await db.ProtocolVersions.Where(v => v.ProtocolId == protocol.Id).OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (latest is { Status: ProtocolVersionStatus.Draft })
        {
            var revised = definition with { Protocol = definition.Protocol with { Version = Number(latest.Number) } };
            latest.DefinitionJson = ProtocolDefinitions.ToJson(revised);
            latest.Name = revised.Protocol.Name;
            latest.ConsentVersion = revised.ConsentVersion;
            latest.LateEntryDays = revised.LateEntryDays;
            latest.ChangeReason = reason ?? latest.ChangeReason;
            db.ChangeReason = $"draft revised{(reason is null ? "" : ": " + reason)}";
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return new CellTherapyResult<ProtocolVersionRecord>(latest, []);
        }

        if (latest is not null && reason is null)
        {
            return Refusal.Of<ProtocolVersionRecord>([Issue.Error(IssueCodes.ProtocolChangeReasonMissing, "reason",
                $"{key} already has version {Number(latest.Number)}: give the reason for version {Number(latest.Number + 1)} (what changed and why).")]);
        }

        if (protocol is null)
        {
            protocol = new ProtocolRecord { Id = Guid.CreateVersion7(), Key = key, Name = definition.Protocol.Name };
            db.Protocols.Add(protocol);
        }

        var number = (latest?.Number ?? 0) + 1;
        var stored = definition with { Protocol = definition.Protocol with { Version = Number(number) } };
        var record = new ProtocolVersionRecord
        {
            Id = Guid.CreateVersion7(),
            ProtocolId = protocol.Id,
            ProtocolKey = key,
            Number = number,
            Status = ProtocolVersionStatus.Draft,
            Name = stored.Protocol.Name,
            DefinitionJson = ProtocolDefinitions.ToJson(stored),
            ConsentVersion = stored.ConsentVersion,
            LateEntryDays = stored.LateEntryDays,
            ChangeReason = reason,
        };
        db.ProtocolVersions.Add(record);
        db.ChangeReason = reason;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<ProtocolVersionRecord>(record, []);
    }

    /// <summary>
    /// Approves a draft with an e-signature: signed by the context's actor, at its clock's time, with
    /// <paramref name="meaning"/>. Refused while any dose is not set. The version never changes afterwards.
    /// </summary>
    public static async Task<CellTherapyResult<ProtocolVersionRecord>> ApproveAsync(StromaDbContext db, string key, int number, string meaning,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ProtocolTemplates.Find(key) is not null)
        {
            return Refusal.Of<ProtocolVersionRecord>([Issue.Error(IssueCodes.ProtocolTemplateReadOnly, "key",
                $"'{key}' is a built-in template: it ships approved and read-only.")]);
        }

        var record = await db.ProtocolVersions.SingleOrDefaultAsync(v => v.ProtocolKey == key && v.Number == number, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return Refusal.Of<ProtocolVersionRecord>([NotFound(key, number)]);
        }

        var issues = new List<Issue>();
        if (record.Status != ProtocolVersionStatus.Draft)
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolVersionNotDraft, "version",
                $"{key} version {Number(number)} is already {record.Status.ToString().ToLowerInvariant()}: an approved version never changes; define version {Number(number + 1)}."));
        }

        if (string.IsNullOrWhiteSpace(meaning) || string.IsNullOrWhiteSpace(db.Actor))
        {
            issues.Add(Issue.Error(IssueCodes.ProtocolApprovalIncomplete, "meaning", "An approval signature needs the signer and its meaning (e.g. \"approved\")."));
        }

        var (definition, problems) = ProtocolDefinitions.Parse(record.DefinitionJson, Number(number));
        issues.AddRange(problems);
        if (definition is not null)
        {
            issues.AddRange(ApprovalProblems(definition));
        }

        if (issues.Count > 0)
        {
            return Refusal.Of<ProtocolVersionRecord>(issues);
        }

        record.Status = ProtocolVersionStatus.Approved;
        record.ApprovedBy = db.Actor;
        record.ApprovedAt = db.Clock.GetUtcNow();
        record.ApprovalMeaning = meaning.Trim();
        db.ChangeReason = $"approved (e-signature: {meaning.Trim()})";
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CellTherapyResult<ProtocolVersionRecord>(record, []);
    }

    /// <summary>What stands in the way of approving a definition: a component's dose or a lymphodepleting drug's regimen not set.</summary>
    private static IEnumerable<Issue> ApprovalProblems(ProtocolDefinition definition)
    {
        var components = definition.Protocol.Components;
        for (var i = 0; i < components.Count; i++)
        {
            if (components[i].Dose is DoseRule.NotSet notSet)
            {
                yield return Issue.Error(IssueCodes.ProtocolDoseNotSetAtApproval, $"components[{Number(i)}].dose",
                    $"The dose of {components[i].Label} ({components[i].Key}) is not set: {notSet.Why} Set it in a revised draft before approval (Stroma does not invent a dose).");
            }
        }

        var agents = definition.Protocol.CarT?.Lymphodepletion ?? [];
        for (var i = 0; i < agents.Count; i++)
        {
            if (!agents[i].IsSet)
            {
                yield return Issue.Error(IssueCodes.LymphodepletionNotSetAtApproval, $"carT.lymphodepletion[{Number(i)}]",
                    $"Lymphodepletion with {agents[i].Drug} ({agents[i].Key}) has no {(agents[i].DosePerSquareMetre is null ? "dose per m²" : "days relative to the infusion")}: set mgPerM2 and daysRelativeToInfusion in a revised draft before approval (Stroma does not invent a regimen).");
            }
        }
    }

    /// <summary>Every version: the built-in templates first, then stored protocols by key and version.</summary>
    public static async Task<IReadOnlyList<ProtocolVersionView>> ListAsync(StromaDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var stored = await db.ProtocolVersions.AsNoTracking().OrderBy(v => v.ProtocolKey).ThenBy(v => v.Number).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. Templates, .. stored.Select(View).Where(v => v is not null).Select(v => v!)];
    }

    /// <summary>
    /// A version by key: <paramref name="number"/>, or when null the latest approved one (for enrolment) or, with
    /// <paramref name="includeDrafts"/>, the latest of any status (for showing).
    /// </summary>
    public static async Task<(ProtocolVersionView? Version, Issue? Issue)> FindAsync(StromaDbContext db, string key, int? number,
        bool includeDrafts = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (Templates.FirstOrDefault(t => t.Key == key) is { } template)
        {
            return number is null or 1 ? (template, null) : (null, NotFound(key, number.Value));
        }

        var query = db.ProtocolVersions.AsNoTracking().Where(v => v.ProtocolKey == key);
        if (number is { } n)
        {
            query = query.Where(v => v.Number == n);
        }
        else if (!includeDrafts)
        {
            query = query.Where(v => v.Status == ProtocolVersionStatus.Approved);
        }

        var record = await query.OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            var exists = await db.Protocols.AnyAsync(p => p.Key == key, cancellationToken).ConfigureAwait(false);
            return (null, number is { } missing ? NotFound(key, missing)
                : exists ? Issue.Error(IssueCodes.ProtocolVersionNotApproved, "protocol", $"{key} has no approved version yet: approve a draft first (stroma protocol approve {key} --version N).")
                : Issue.Error(IssueCodes.UnknownProtocol, "protocol",
                    $"No protocol '{key}' (built-in templates: {string.Join(", ", ProtocolTemplates.All.Select(p => p.Key))}; stored protocols: see 'stroma protocol list')."));
        }

        return (View(record), null);
    }

    /// <summary>The protocol an enrolment was made on (its key and version), or null when it cannot be found.</summary>
    public static async Task<Protocol?> ForEnrolmentAsync(StromaDbContext db, string key, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ProtocolTemplates.Find(key) is { } template)
        {
            return template.Version == version ? template : null;
        }

        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var (found, _) = await FindAsync(db, key, number, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found?.Definition.Protocol;
    }

    private static ProtocolVersionView Template(Protocol template)
    {
        var definition = ProtocolDefinitions.FromTemplate(template);
        return new ProtocolVersionView(template.Key, 1, ProtocolVersionStatus.Approved, definition, ProtocolDefinitions.ToJson(definition),
            null, TemplateSigner, null, "approved", IsTemplate: true);
    }

    private static ProtocolVersionView? View(ProtocolVersionRecord record)
    {
        var (definition, _) = ProtocolDefinitions.Parse(record.DefinitionJson, Number(record.Number));
        return definition is null ? null
            : new ProtocolVersionView(record.ProtocolKey, record.Number, record.Status, definition, record.DefinitionJson, record.ChangeReason,
                record.ApprovedBy, record.ApprovedAt, record.ApprovalMeaning, IsTemplate: false);
    }

    private static Issue NotFound(string key, int number) =>
        Issue.Error(IssueCodes.ProtocolVersionNotFound, "version", $"{key} has no version {Number(number)}.");

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
