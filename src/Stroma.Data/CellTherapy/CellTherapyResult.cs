using Microsoft.EntityFrameworkCore;
using Stroma.Clinical.Issues;
using Stroma.Data.Model;

namespace Stroma.Data.CellTherapy;

/// <summary>The outcome of a cell-therapy use case: the stored record, or every issue that refused it (nothing written).</summary>
/// <typeparam name="T">The record written.</typeparam>
/// <param name="Value">The record, or null when refused.</param>
/// <param name="Issues">Every issue found (errors refuse; warnings and information are kept with an accepted record).</param>
public sealed record CellTherapyResult<T>(T? Value, IReadOnlyList<Issue> Issues)
    where T : class
{
    public bool Succeeded => Value is not null;
}

/// <summary>Builds refusals.</summary>
internal static class Refusal
{
    public static CellTherapyResult<T> Of<T>(IEnumerable<Issue> issues)
        where T : class => new(null, [.. issues]);
}

/// <summary>Look-ups shared by the use cases: patients by study id, lots by number.</summary>
internal static class Lookup
{
    public static async Task<(Patient? Patient, Issue? Issue)> PatientAsync(StromaDbContext db, string studyId, CancellationToken cancellationToken)
    {
        var found = await db.Patients.Where(p => p.StudyId == studyId).Take(2).ToListAsync(cancellationToken).ConfigureAwait(false);
        return found.Count switch
        {
            0 => (null, Issue.Error(IssueCodes.UnknownPatient, "patient", $"No patient has study id '{studyId}'.")),
            1 => (found[0], null),
            _ => (null, Issue.Error(IssueCodes.AmbiguousPatient, "patient", $"Study id '{studyId}' is used at more than one site.")),
        };
    }

    /// <summary>
    /// CTD015 when <paramref name="lot"/> belongs to another site than <paramref name="patient"/>: a site gives its own
    /// lots (issue #16). A lot the patient already received (a registry from before lots had a site) is not refused.
    /// </summary>
    public static async Task<Issue?> SameSiteAsync(StromaDbContext db, CellLotRecord lot, Patient patient, string path, CancellationToken cancellationToken)
    {
        if (lot.SiteId == patient.SiteId
            || await db.Infusions.AnyAsync(i => i.LotId == lot.Id && i.PatientId == patient.Id, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var sites = await db.Sites.AsNoTracking().Where(s => s.Id == lot.SiteId || s.Id == patient.SiteId).ToDictionaryAsync(s => s.Id, s => s.Code, cancellationToken).ConfigureAwait(false);
        return Issue.Error(IssueCodes.LotOfAnotherSite, path,
            $"Lot {lot.LotNumber} belongs to site {sites.GetValueOrDefault(lot.SiteId)}; patient {patient.StudyId} is at site {sites.GetValueOrDefault(patient.SiteId)}: a site gives its own lots.");
    }

    public static async Task<(CellLotRecord? Lot, Issue? Issue)> LotAsync(StromaDbContext db, string lotNumber, CancellationToken cancellationToken)
    {
        var lot = await db.CellLots.SingleOrDefaultAsync(l => l.LotNumber == lotNumber, cancellationToken).ConfigureAwait(false);
        return lot is null ? (null, Issue.Error(IssueCodes.UnknownLot, "lot", $"Lot '{lotNumber}' is not registered.")) : (lot, null);
    }
}
