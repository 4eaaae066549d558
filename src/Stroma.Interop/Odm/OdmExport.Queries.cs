using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Quality;
using Stroma.Data.Model;

namespace Stroma.Interop.Odm;

/// <summary>
/// Data queries between monitor and site (<c>F.QUERY</c>) in the ODM export: one form per query under <c>SE.NOVISIT</c>,
/// after the subject's other records. <c>IG.QUERY</c> says what the query is about and where it stands (the record type,
/// the record as the file names it, the field, the check that opened it if any, the status, the question, who raised it
/// and when); a repeat of <c>IG.QUERY_STEP</c> gives each step in order (opened, answered, closed, re-opened: by whom,
/// when, with which text), its repeat key being the step's number. The record is named within the same subject: a visit
/// by its <c>StudyEventOID</c> and <c>StudyEventRepeatKey</c> (<c>SE.V.BASELINE:1</c>), an enrolment by its protocol key,
/// an infusion by its <c>F.INF</c> <c>FormRepeatKey</c>, an adverse event by its <c>F.AE</c> <c>ItemGroupRepeatKey</c>, the
/// patient by nothing (the subject itself). A query whose record is not in the file (deleted since) is left out: the
/// file cannot name it. De-identified exports move the dates with the patient and leave out what the CSV export leaves
/// out, the texts and the people (the question, each step's text and actor, who raised it), and the value when opened,
/// which may quote a date unshifted. The mapping is in docs/interop.md ("CDISC ODM 1.3.2").
/// </summary>
public static partial class OdmExport
{
    internal static readonly (CheckScope Value, string Code, string Decode)[] QueryRecordTypes =
    [
        (CheckScope.Patient, CheckScope.Patient.Key(), "The patient (the subject itself)"),
        (CheckScope.Enrolment, CheckScope.Enrolment.Key(), "An enrolment, named by its protocol key"),
        (CheckScope.Visit, CheckScope.Visit.Key(), "A visit, named by its StudyEventOID and StudyEventRepeatKey (OID:key)"),
        (CheckScope.Infusion, CheckScope.Infusion.Key(), "An infusion, named by its F.INF FormRepeatKey"),
        (CheckScope.AdverseEvent, CheckScope.AdverseEvent.Key(), "An adverse event, named by its F.AE ItemGroupRepeatKey"),
    ];

    internal static readonly (QueryStatus Value, string Code, string Decode)[] QueryStatuses =
    [
        (QueryStatus.Open, "open", "Open: waiting for the site"),
        (QueryStatus.Answered, "answered", "Answered: waiting for whoever raised it"),
        (QueryStatus.Closed, "closed", "Closed"),
    ];

    internal static readonly (QueryStepKind Value, string Code, string Decode)[] QueryActions =
    [
        (QueryStepKind.Opened, "opened", "Opened"),
        (QueryStepKind.Answered, "answered", "Answered by the site"),
        (QueryStepKind.Closed, "closed", "Closed by whoever raised it"),
        (QueryStepKind.Reopened, "reopened", "Re-opened by whoever raised it"),
    ];

    private sealed partial class Writer
    {
        private long queries, querySteps;

        /// <summary>The current subject's names in the file: visits (OID:repeat key) and infusions (F.INF repeat key).</summary>
        private readonly Dictionary<Guid, string> visitKeys = [];
        private readonly Dictionary<Guid, int> infusionKeys = [];

        private void WriteQueryForms() => FormDef(OdmOids.QueryForm, "Data query", OdmOids.QueryGroup, true, OdmOids.QueryStepGroup);

        private void WriteQueryGroups()
        {
            ItemGroupDef(OdmOids.QueryGroup, "Data query", false,
                [OdmOids.QueryRecordType, OdmOids.QueryRecord, OdmOids.QueryField, OdmOids.QueryProtocol, OdmOids.QueryProtocolVersion, OdmOids.QueryCheck,
                    OdmOids.QueryStatus, OdmOids.QueryText, OdmOids.QueryValue, OdmOids.QueryRaisedBy, OdmOids.QueryRaisedAt]);
            ItemGroupDef(OdmOids.QueryStepGroup, "Query step", true, [OdmOids.QueryStepAction, OdmOids.QueryStepBy, OdmOids.QueryStepAt, OdmOids.QueryStepText]);
        }

        private void WriteQueryItems()
        {
            ItemDef(OdmOids.QueryRecordType, "Record type", "text", null, OdmOids.QueryRecordTypeCodes);
            ItemDef(OdmOids.QueryRecord, "Record", "text", null, null,
                "The record within the subject: a visit's StudyEventOID:StudyEventRepeatKey, an enrolment's protocol key, an infusion's F.INF FormRepeatKey, an adverse event's F.AE ItemGroupRepeatKey; none for the patient");
            ItemDef(OdmOids.QueryField, "Field", "text", null, null, "The field path in the check field catalogue (infusion.weight, lab.creatinine, ...)");
            ItemDef(OdmOids.QueryProtocol, "Protocol", "text", null, null, "The protocol whose edit check opened the query");
            ItemDef(OdmOids.QueryProtocolVersion, "Protocol version", "text");
            ItemDef(OdmOids.QueryCheck, "Check", "text", null, null, "The key of the edit check that opened the query; none for a query opened by a person");
            ItemDef(OdmOids.QueryStatus, "Status", "text", null, OdmOids.QueryStatusCodes);
            ItemDef(OdmOids.QueryText, "Question", "text");
            ItemDef(OdmOids.QueryValue, "Value when opened", "text");
            ItemDef(OdmOids.QueryRaisedBy, "Raised by", "text", null, null, "The user name of whoever raised it (checks for an edit check)");
            ItemDef(OdmOids.QueryRaisedAt, "Raised at", "datetime");
            ItemDef(OdmOids.QueryStepAction, "Action", "text", null, OdmOids.QueryActionCodes);
            ItemDef(OdmOids.QueryStepBy, "By", "text");
            ItemDef(OdmOids.QueryStepAt, "At", "datetime");
            ItemDef(OdmOids.QueryStepText, "Text", "text", null, null, "The question, the answer, or the reason to close or re-open");
        }

        private void WriteQueryCodeLists()
        {
            CodeList(OdmOids.QueryRecordTypeCodes, "Queried record type", [.. QueryRecordTypes.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.QueryStatusCodes, "Query status", [.. QueryStatuses.Select(c => (c.Code, c.Decode))]);
            CodeList(OdmOids.QueryActionCodes, "Query step", [.. QueryActions.Select(c => (c.Code, c.Decode))]);
        }

        private async Task<List<(QueryRecord Query, List<QueryStepRecord> Steps)>> LoadQueriesAsync(Guid patientId, CancellationToken cancellationToken)
        {
            var found = await db.Queries.AsNoTracking().Where(q => q.PatientId == patientId).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (found.Count == 0)
            {
                return [];
            }

            var ids = found.Select(q => q.Id).ToList();
            var steps = (await db.QuerySteps.AsNoTracking().Where(s => ids.Contains(s.QueryId)).ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(s => s.QueryId);
            return [.. found.Select(q => (q, steps[q.Id].OrderBy(s => s.Number).ToList()))];
        }

        /// <summary>The record a query is about as this file names it; null when the file does not hold it.</summary>
        private string? QueriedRecord(QueryRecord query, List<ProtocolEnrolment> enrolled) => CheckScopes.Find(query.RecordType) switch
        {
            CheckScope.Patient => query.RecordId == query.PatientId ? "" : null,
            CheckScope.Enrolment => enrolled.FirstOrDefault(e => e.Id == query.RecordId)?.ProtocolKey,
            CheckScope.Visit => visitKeys.GetValueOrDefault(query.RecordId),
            CheckScope.Infusion => infusionKeys.TryGetValue(query.RecordId, out var key) ? Integer(key) : null,
            CheckScope.AdverseEvent => adverseEventKeys.TryGetValue(query.RecordId, out var key) ? Integer(key) : null,
            _ => null,
        };

        /// <summary>One <c>F.QUERY</c> form per query whose record is in the file, in the order raised, then of their values; its steps in order.</summary>
        private void WriteQueries(Guid patientId, string site, List<ProtocolEnrolment> enrolled, List<(QueryRecord Query, List<QueryStepRecord> Steps)> records)
        {
            var key = 0;
            var named = records.Select(r => (r.Query, r.Steps, Record: QueriedRecord(r.Query, enrolled))).Where(r => r.Record is not null);
            foreach (var (record, items) in Ordered(named, r => r.Query.RaisedAt, r =>
            [
                (OdmOids.QueryRecordType, r.Query.RecordType, null),
                (OdmOids.QueryRecord, r.Record is "" ? null : r.Record, null),
                (OdmOids.QueryField, r.Query.Field, null),
                (OdmOids.QueryProtocol, r.Query.ProtocolKey, null),
                (OdmOids.QueryProtocolVersion, r.Query.ProtocolVersion, null),
                (OdmOids.QueryCheck, r.Query.CheckKey, null),
                (OdmOids.QueryStatus, Code(QueryStatuses, r.Query.Status), null),
                (OdmOids.QueryText, deidentify ? null : r.Query.Text, null),
                (OdmOids.QueryValue, deidentify ? null : r.Query.ValueWhenOpened, null),
                (OdmOids.QueryRaisedBy, deidentify ? null : r.Query.RaisedBy, null),
                (OdmOids.QueryRaisedAt, Instant(patientId, r.Query.RaisedAt), null),
            ]))
            {
                xml.WriteStartElement("FormData");
                Attribute("FormOID", OdmOids.QueryForm);
                Attribute("FormRepeatKey", Number(++key));
                ItemGroup(OdmOids.QueryGroup, null, record.Query, site, items);
                foreach (var step in record.Steps)
                {
                    ItemGroup(OdmOids.QueryStepGroup, step.Number, step, site,
                    [
                        (OdmOids.QueryStepAction, Code(QueryActions, step.Kind), null),
                        (OdmOids.QueryStepBy, deidentify ? null : step.By, null),
                        (OdmOids.QueryStepAt, Instant(patientId, step.At), null),
                        (OdmOids.QueryStepText, deidentify || step.Text.Length == 0 ? null : step.Text, null),
                    ]);
                }

                xml.WriteEndElement();
                queries++;
                querySteps += record.Steps.Count;
            }
        }
    }
}
