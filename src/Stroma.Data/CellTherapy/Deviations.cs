using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.CellTherapy;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.CellTherapy;

/// <summary>
/// What a deviation check found: the deviations newly recorded, those already on record, and the other issues (what
/// could not be assessed, e.g. a dose rule not set, or a dose without the weight of the day).
/// </summary>
public sealed record DeviationCheck(IReadOnlyList<ProtocolDeviationRecord> Recorded, IReadOnlyList<ProtocolDeviationRecord> Existing, IReadOnlyList<Issue> Issues);

/// <summary>
/// Finds a patient's protocol deviations with <see cref="ProtocolDeviations.Find"/> (events outside their window, missed
/// administrations and visits, doses outside tolerance) from the stored schedule, infusions and follow-up contacts,
/// and records each one not already on record.
/// </summary>
public static class Deviations
{
    public static async Task<DeviationCheck> DetectAsync(StromaDbContext db, string patientStudyId, DateOnly asOf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (schedules, problem) = await Enrolments.LoadAsync(db, patientStudyId, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return new DeviationCheck([], [], [problem]);
        }

        var issues = new List<Issue>();
        var recorded = new List<ProtocolDeviationRecord>();
        var existingAll = new List<ProtocolDeviationRecord>();
        foreach (var enrolled in schedules)
        {
            if (enrolled.Protocol is null)
            {
                issues.Add(Issue.Error(IssueCodes.UnknownProtocol, "protocol", $"Protocol template '{enrolled.Enrolment.ProtocolKey}' no longer exists."));
                continue;
            }

            var occurrences = await OccurrencesAsync(db, enrolled.Enrolment.Id, cancellationToken).ConfigureAwait(false);
            var report = ProtocolDeviations.Find(enrolled.Protocol, enrolled.Schedule, occurrences, asOf);
            issues.AddRange(report.Issues.Where(i => report.Deviations.All(d => !ReferenceEquals(d.Issue, i))));
            var existing = await db.ProtocolDeviations.Where(d => d.EnrolmentId == enrolled.Enrolment.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            existingAll.AddRange(existing);
            foreach (var deviation in report.Deviations)
            {
                if (existing.Concat(recorded).Any(d => d.EnrolmentId == enrolled.Enrolment.Id && d.Kind == deviation.Kind && d.EventKey == deviation.EventKey && d.Code == deviation.Issue.Code))
                {
                    continue;
                }

                var record = new ProtocolDeviationRecord
                {
                    Id = Guid.CreateVersion7(),
                    EnrolmentId = enrolled.Enrolment.Id,
                    Kind = deviation.Kind,
                    EventKey = deviation.EventKey,
                    Code = deviation.Issue.Code,
                    Message = deviation.Issue.Message,
                    DetectedOn = asOf,
                };
                recorded.Add(record);
                db.ProtocolDeviations.Add(record);
            }
        }

        if (recorded.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return new DeviationCheck(recorded, existingAll, issues);
    }

    /// <summary>What took place for each schedule event: infusions (date, weight, dose per component) and follow-up contacts.</summary>
    internal static async Task<List<EventOccurrence>> OccurrencesAsync(StromaDbContext db, Guid enrolmentId, CancellationToken cancellationToken)
    {
        var infusions = await db.Infusions.AsNoTracking().Where(i => i.EnrolmentId == enrolmentId).ToListAsync(cancellationToken).ConfigureAwait(false);
        var contacts = await db.FollowUpContacts.AsNoTracking().Where(c => c.EnrolmentId == enrolmentId && c.EventKey != null).ToListAsync(cancellationToken).ConfigureAwait(false);
        var occurrences = infusions.GroupBy(i => i.EventKey, StringComparer.Ordinal).Select(g =>
        {
            var first = g.OrderBy(i => i.Start).First();
            return new EventOccurrence(g.Key, first.InfusionDate,
                first.WeightKg is { } kg && first.WeighedOn == first.InfusionDate ? BodyMass.FromKilograms(kg) : null,
                g.GroupBy(i => i.ComponentKey, StringComparer.Ordinal).ToDictionary(c => c.Key, c => CellCount.Cells(c.Sum(i => i.DoseCells)), StringComparer.Ordinal));
        }).ToList();
        occurrences.AddRange(contacts.Where(c => occurrences.All(o => o.EventKey != c.EventKey)).GroupBy(c => c.EventKey!, StringComparer.Ordinal)
            .Select(g => new EventOccurrence(g.Key, g.Min(c => c.ContactDate))));
        return occurrences;
    }
}
