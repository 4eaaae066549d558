using System.Globalization;
using System.Xml.Linq;
using Stroma.Clinical.Issues;
using Stroma.Clinical.Quality;
using Stroma.Data.Model;
using Stroma.Data.Quality;

namespace Stroma.Interop.Odm;

/// <summary>
/// Data queries (<c>F.QUERY</c>) of <see cref="OdmImport"/>, written as stored records with the rules of
/// <see cref="Queries"/> that a stored query can be checked against. The record is the one of the same subject the file
/// names (a visit by <c>StudyEventOID:StudyEventRepeatKey</c>, an enrolment by protocol key, an infusion by its
/// <c>F.INF</c> <c>FormRepeatKey</c>, an adverse event by its <c>F.AE</c> <c>ItemGroupRepeatKey</c>; all come before the
/// queries); the field is one of the check field catalogue available on that record type; the question and the texts
/// follow the writer's rules (<see cref="IssueCodes.QueryInputInvalid"/>). The steps are replayed in order under the
/// writer's transitions (<see cref="IssueCodes.QueryStepNotAllowed"/>): the first is the opening, by whoever raised the
/// query, when and with the question it gives; an answer only to an open query, with text; a close of a query not closed
/// and a re-opening (with text) of one not open, each by whoever raised it (by anyone for an edit check's query: the
/// import does not know the users' roles, which are not in the file); nothing earlier than the step before, nothing in
/// the future; and the status the steps lead to must be the file's. The writer is not called: it takes each step as of
/// now, by the user importing.
/// </summary>
public static partial class OdmImport
{
    private sealed partial class Reader
    {
        public int Queries { get; private set; }

        public int QuerySteps { get; private set; }

        /// <summary>The current subject's visits by <c>StudyEventOID:StudyEventRepeatKey</c> and infusions by <c>FormRepeatKey</c> (null: given twice).</summary>
        private readonly Dictionary<string, Guid?> visitIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Guid?> infusionIds = new(StringComparer.Ordinal);

        private static readonly HashSet<string> QueryItems = new(
        [
            OdmOids.QueryRecordType, OdmOids.QueryRecord, OdmOids.QueryField, OdmOids.QueryProtocol, OdmOids.QueryProtocolVersion, OdmOids.QueryCheck,
            OdmOids.QueryStatus, OdmOids.QueryText, OdmOids.QueryValue, OdmOids.QueryRaisedBy, OdmOids.QueryRaisedAt,
        ], StringComparer.Ordinal);

        private static readonly HashSet<string> QueryStepItems = new([OdmOids.QueryStepAction, OdmOids.QueryStepBy, OdmOids.QueryStepAt, OdmOids.QueryStepText], StringComparer.Ordinal);

        private async Task AddQueryAsync(Patient patient, XElement form, string formWhere, CancellationToken cancellationToken)
        {
            var before = Issues.Count(i => i.IsError);
            var where = $"{formWhere}[@FormRepeatKey='{(string?)form.Attribute("FormRepeatKey")}']";
            var groups = form.Elements(Odm + "ItemGroupData").ToList();
            if (groups.Count == 0 || (string?)groups[0].Attribute("ItemGroupOID") != OdmOids.QueryGroup
                || groups.Skip(1).Any(g => (string?)g.Attribute("ItemGroupOID") != OdmOids.QueryStepGroup))
            {
                Error(IssueCodes.OdmMissing, where, $"this form has one {OdmOids.QueryGroup}, then its steps ({OdmOids.QueryStepGroup}); it has {string.Join(", ", groups.Select(g => (string?)g.Attribute("ItemGroupOID")))}.");
                return;
            }

            var values = Values(groups[0], where);
            foreach (var oid in values.Keys.Where(k => !QueryItems.Contains(k)))
            {
                Error(IssueCodes.OdmUnknownOid, At(where, oid), $"not an item of {OdmOids.QueryGroup} in Stroma's mapping.");
            }

            var scope = Code(values, OdmOids.QueryRecordType, where, OdmExport.QueryRecordTypes, OdmOids.QueryRecordTypeCodes, required: true);
            var field = Text(values, OdmOids.QueryField, where, required: true)?.Trim();
            var status = Code(values, OdmOids.QueryStatus, where, OdmExport.QueryStatuses, OdmOids.QueryStatusCodes, required: true);
            var text = values.GetValueOrDefault(OdmOids.QueryText);
            var raisedBy = Text(values, OdmOids.QueryRaisedBy, where, required: true)?.Trim();
            var raisedAt = Instant(values, OdmOids.QueryRaisedAt, where, required: true);
            var protocol = Text(values, OdmOids.QueryProtocol, where)?.Trim();
            var check = Text(values, OdmOids.QueryCheck, where)?.Trim();
            Guid? recordId = scope is { } s ? QueriedRecord(patient, s, Text(values, OdmOids.QueryRecord, where), where) : null;

            var steps = new List<(QueryStepKind Kind, string? By, DateTimeOffset At, string? Text, string Where)>();
            foreach (var (group, index) in groups.Skip(1).Select((g, i) => (g, i + 1)))
            {
                var stepWhere = $"{where}/ItemGroupData[@ItemGroupOID='{OdmOids.QueryStepGroup}'][@ItemGroupRepeatKey='{(string?)group.Attribute("ItemGroupRepeatKey")}']";
                if ((string?)group.Attribute("ItemGroupRepeatKey") != index.ToString(CultureInfo.InvariantCulture))
                {
                    Error(IssueCodes.OdmBadValue, stepWhere, $"the steps are numbered 1, 2, 3, ... in order (ItemGroupRepeatKey); this is step {index}.");
                }

                var stepValues = Values(group, stepWhere);
                foreach (var oid in stepValues.Keys.Where(k => !QueryStepItems.Contains(k)))
                {
                    Error(IssueCodes.OdmUnknownOid, At(stepWhere, oid), $"not an item of {OdmOids.QueryStepGroup} in Stroma's mapping.");
                }

                var action = Code(stepValues, OdmOids.QueryStepAction, stepWhere, OdmExport.QueryActions, OdmOids.QueryActionCodes, required: true);
                var by = Text(stepValues, OdmOids.QueryStepBy, stepWhere, required: true)?.Trim();
                var at = Instant(stepValues, OdmOids.QueryStepAt, stepWhere, required: true);
                if (action is { } kind && at is { } when)
                {
                    steps.Add((kind, by, when, stepValues.GetValueOrDefault(OdmOids.QueryStepText), stepWhere));
                }
            }

            if (scope is not { } recordScope || recordId is not { } record || field is null || status is not { } stated || raisedBy is null || raisedAt is not { } raised
                || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            // The writer's rules on what is queried and asked (Queries.OpenAsync; an edit check's query names its protocol).
            var rules = new List<Issue>();
            if (CheckFieldCatalogue.Find(field) is not { } known || !known.AvailableIn(recordScope))
            {
                rules.Add(Issue.Error(IssueCodes.QueryInputInvalid, "field", $"'{field}' is not a field of a {recordScope.Key()} record (docs/data-quality.md lists the fields)."));
            }

            rules.AddRange(Stroma.Data.Quality.Queries.TextIssues(text, "text", required: true));
            if (check is not null && protocol is null)
            {
                rules.Add(Issue.Error(IssueCodes.QueryInputInvalid, "protocol", $"the query was opened by the edit check '{check}', which belongs to a protocol: the protocol is required."));
            }

            if (steps.Count == 0 || steps[0].Kind != QueryStepKind.Opened || steps[0].By != raisedBy || steps[0].At != raised || steps[0].Text != text)
            {
                rules.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "steps",
                    "the first step is the opening, by whoever raised the query, when it was raised and with its question."));
            }

            // Each later step under Queries' transitions, from the state the steps before it leave.
            var now = db.Clock.GetUtcNow();
            var state = QueryStatus.Open;
            var previous = raised;
            foreach (var (step, number) in steps.Select((x, i) => (x, i + 1)))
            {
                var stepRules = new List<Issue>();
                if (step.At < previous || step.At > now)
                {
                    stepRules.Add(Issue.Error(IssueCodes.OdmBadValue, "at", $"a step is taken after the step before it ({OdmExport.Text(previous)}) and not in the future."));
                }

                previous = step.At > previous ? step.At : previous;
                var raiser = step.By == raisedBy || raisedBy == Stroma.Data.Quality.Queries.CheckActor;
                switch (step.Kind)
                {
                    case QueryStepKind.Opened when number > 1:
                        stepRules.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "action", "a query is opened once, by its first step."));
                        break;
                    case QueryStepKind.Answered:
                        if (state != QueryStatus.Open)
                        {
                            stepRules.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "action", $"the query is {Code(state)} after step {number - 1}: only an open query is answered."));
                        }

                        stepRules.AddRange(Stroma.Data.Quality.Queries.TextIssues(step.Text, "text", required: true));
                        state = QueryStatus.Answered;
                        break;
                    case QueryStepKind.Closed:
                        if (!raiser)
                        {
                            stepRules.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "by", $"only {raisedBy}, who raised the query, closes it; step {number} is by {step.By}."));
                        }
                        else if (state == QueryStatus.Closed)
                        {
                            stepRules.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "action", $"the query is already closed after step {number - 1}."));
                        }

                        stepRules.AddRange(Stroma.Data.Quality.Queries.TextIssues(step.Text, "text", required: false));
                        state = QueryStatus.Closed;
                        break;
                    case QueryStepKind.Reopened:
                        if (!raiser)
                        {
                            stepRules.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "by", $"only {raisedBy}, who raised the query, re-opens it; step {number} is by {step.By}."));
                        }
                        else if (state == QueryStatus.Open)
                        {
                            stepRules.Add(Issue.Error(IssueCodes.QueryStepNotAllowed, "action", $"the query is already open after step {number - 1}."));
                        }

                        stepRules.AddRange(Stroma.Data.Quality.Queries.TextIssues(step.Text, "text", required: true));
                        state = QueryStatus.Open;
                        break;
                }

                Refuse(stepRules, step.Where);
            }

            if (steps.Count > 0 && state != stated)
            {
                rules.Add(Issue.Error(IssueCodes.OdmScoreMismatch, "status", $"the file's status is {Code(stated)}; its steps leave the query {Code(state)}."));
            }

            if (raised > now)
            {
                rules.Add(Issue.Error(IssueCodes.OdmBadValue, "raised_at", "a query is not raised in the future."));
            }

            if (Refuse(rules, where) || Issues.Count(i => i.IsError) > before)
            {
                return;
            }

            var query = new QueryRecord
            {
                Id = Guid.CreateVersion7(),
                SiteId = patient.SiteId,
                PatientId = patient.Id,
                RecordType = recordScope.Key(),
                RecordId = record,
                Field = field,
                // As Queries.LocateAsync gives it: the visit itself for a visit's field, none otherwise.
                VisitId = recordScope == CheckScope.Visit ? record : null,
                ProtocolKey = protocol,
                ProtocolVersion = Text(values, OdmOids.QueryProtocolVersion, where)?.Trim(),
                CheckKey = check,
                Status = state,
                Text = text!.Trim(),
                ValueWhenOpened = values.GetValueOrDefault(OdmOids.QueryValue),
                RaisedBy = raisedBy,
                RaisedAt = raised,
            };
            foreach (var (step, number) in steps.Select((x, i) => (x, i + 1)))
            {
                query.Steps.Add(new QueryStepRecord
                {
                    Id = Guid.CreateVersion7(),
                    QueryId = query.Id,
                    Number = number,
                    Kind = step.Kind,
                    Text = step.Text?.Trim() ?? "",
                    By = step.By!,
                    At = step.At,
                });
            }

            db.Queries.Add(query);
            Queries++;
            QuerySteps += steps.Count;
        }

        /// <summary>The record a query names within the subject; null (with an error) when the subject has none such.</summary>
        private Guid? QueriedRecord(Patient patient, CheckScope scope, string? name, string where)
        {
            Guid? found = scope switch
            {
                CheckScope.Patient => name is null ? patient.Id : null,
                // The subject's enrolments were added by this import and are still tracked (the context is cleared after each subject).
                CheckScope.Enrolment => name is null ? null : db.ProtocolEnrolments.Local.FirstOrDefault(e => e.PatientId == patient.Id && e.ProtocolKey == name)?.Id,
                CheckScope.Visit => name is null ? null : visitIds.GetValueOrDefault(name),
                CheckScope.Infusion => name is null ? null : infusionIds.GetValueOrDefault(name),
                CheckScope.AdverseEvent => name is null ? null : adverseEventIds.GetValueOrDefault(name),
                _ => null,
            };
            if (found is null)
            {
                Error(IssueCodes.OdmBadValue, At(where, OdmOids.QueryRecord), scope == CheckScope.Patient
                    ? "a query on the patient names no record (the subject is the record)."
                    : $"the subject has no one {scope.Key()} named \"{name}\" ({OdmExport.QueryRecordTypes.Single(t => t.Value == scope).Decode}; the records come before the queries).");
            }

            return found;
        }

        private static string Code(QueryStatus status) => OdmExport.Code(OdmExport.QueryStatuses, status);
    }
}
