using Microsoft.Extensions.DependencyInjection;
using Stroma.Data;
using Stroma.Data.Model;
using Sex = Stroma.Clinical.Labs.Sex;

namespace Stroma.Web.Tests.Visits;

/// <summary>
/// One registry with sites A and B, an investigator, a coordinator and a monitor at A, and a coordinator at B.
/// Each test makes its own patients and visits (<see cref="AddPatientAsync"/>, <see cref="AddVisitAsync"/>).
/// </summary>
public sealed class VisitFixture : IAsyncLifetime
{
    public WebFactory Factory { get; } = new();

    public Dictionary<string, Guid> Sites { get; } = [];

    public async ValueTask InitializeAsync()
    {
        await using (var scope = Factory.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
            foreach (var code in new[] { "A", "B" })
            {
                Sites[code] = Guid.CreateVersion7();
                db.Sites.Add(new Site { Id = Sites[code], Code = code, Name = $"Site {code}" });
            }

            await db.SaveChangesAsync();
        }

        await Factory.AddUserAsync("inv", false, ("A", SiteRole.Investigator));
        await Factory.AddUserAsync("coord", false, ("A", SiteRole.Coordinator));
        await Factory.AddUserAsync("mon", false, ("A", SiteRole.Monitor));
        await Factory.AddUserAsync("coordb", false, ("B", SiteRole.Coordinator));
    }

    public async Task<Guid> AddPatientAsync(string site = "A")
    {
        await using var scope = Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var patient = new Patient
        {
            Id = Guid.CreateVersion7(),
            SiteId = Sites[site],
            StudyId = $"{site}-{Guid.NewGuid():N}"[..12],
            Sex = Sex.Female,
            BirthYear = 1990,
            ConsentVersion = "1.0",
            ConsentDate = new DateOnly(2024, 1, 1),
        };
        db.Patients.Add(patient);
        await db.SaveChangesAsync();
        return patient.Id;
    }

    public async Task<Guid> AddVisitAsync(Guid patientId, DateOnly? date = null)
    {
        await using var scope = Factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<StromaDbContext>();
        var visit = new Visit { Id = Guid.CreateVersion7(), PatientId = patientId, VisitDate = date ?? new DateOnly(2024, 2, 1), Kind = VisitKind.Scheduled, Type = "baseline" };
        db.Visits.Add(visit);
        await db.SaveChangesAsync();
        return visit.Id;
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
