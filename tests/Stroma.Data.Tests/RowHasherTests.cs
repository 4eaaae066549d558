// Source: issue #22 (lab import at scale): the bulk path's row digest (LedgerDigest.RowHasher, written straight as UTF-8)
// must be the very digest of the row's audit-trail texts (LedgerDigest.OfRow of LedgerCheck.Audited), which is what
// `stroma audit verify` recomputes from the stored rows; a different byte anywhere would report every imported row.
using Shouldly;
using Stroma.Data.Audit;
using Stroma.Data.Model;
using LabFlag = Stroma.Clinical.Labs.LabFlag;

namespace Stroma.Data.Tests;

public sealed class RowHasherTests
{
    private static LedgerDigest ByText(StromaDbContext db, LabResult row)
    {
        var entity = db.Model.FindEntityType(typeof(LabResult))!;
        return LedgerDigest.OfRow(nameof(LabResult), LedgerCheck.Fields(entity).Select(p => new KeyValuePair<string, string?>(p.Name, LedgerCheck.Audited(p, row))));
    }

    public static TheoryData<LabResult> Rows => new()
    {
        new LabResult
        {
            Id = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"), PatientId = Guid.NewGuid(), VisitId = Guid.NewGuid(), LaboratoryId = Guid.NewGuid(),
            Analyte = "creatinine", SpecimenTime = new DateTimeOffset(2025, 1, 5, 8, 30, 0, TimeSpan.FromHours(8)).AddTicks(1234567),
            ReportedValue = "97", ReportedUnit = "umol/L", ReportedRange = "45-84", NormalisedValue = 97.000m, NormalisedUnit = "umol/L",
            Flag = LabFlag.High, CreatedAt = new DateTimeOffset(2026, 12, 8, 5, 0, 0, TimeSpan.Zero).AddTicks(9), CreatedBy = "导入者",
            Note = "溶血标本，结果仅供参考 (hemolysed) ✓",
        },
        new LabResult
        {
            Id = Guid.NewGuid(), PatientId = Guid.NewGuid(), Analyte = "c3", SpecimenTime = DateTimeOffset.MinValue.AddYears(1999),
            ReportedValue = "<5", NormalisedValue = -79228162514264337593543950335m, Flag = LabFlag.None, CreatedBy = "",
        },
        new LabResult
        {
            Id = Guid.NewGuid(), PatientId = Guid.NewGuid(), Analyte = "ferritin", SpecimenTime = DateTimeOffset.UnixEpoch,
            ReportedValue = "0.000000000000000000000000001", NormalisedValue = 0.0000000000000000000000000001m, Flag = LabFlag.Low,
            DeletedAt = DateTimeOffset.UnixEpoch.AddDays(1), DeletedBy = "x", DeletionReason = "entered twice", Version = 3,
        },
    };

    /// <summary>Values at the edges of the hand-written instant and decimal texts.</summary>
    public static TheoryData<DateTimeOffset, decimal> Edges => new()
    {
        { new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(9), 0.000000m },
        { new DateTimeOffset(999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), -0.0m },
        { new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(-5)).AddTicks(1_000_005), 100m },
        { new DateTimeOffset(9999, 12, 31, 10, 0, 0, TimeSpan.FromHours(14)), 100.00m },
        { DateTimeOffset.MaxValue, -0.000001m },
        { new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), 79228162514264337593543950335m },
        { new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), 1234567.8900m },
    };

    [Theory]
    [MemberData(nameof(Edges))]
    public async Task Of_InstantAndDecimalEdges_AreTheAuditTexts(DateTimeOffset time, decimal value)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var db = database.Open();
        var row = new LabResult { Id = Guid.NewGuid(), PatientId = Guid.NewGuid(), Analyte = "c4", SpecimenTime = time, ReportedValue = "x", NormalisedValue = value, CreatedAt = time };

        new LedgerDigest.RowHasher(db.Model.FindEntityType(typeof(LabResult))!).Of(row).ShouldBe(ByText(db, row));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Of_IsTheDigestOfTheRowsAuditTexts(LabResult row)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseEngine.Sqlite);
        await using var db = database.Open();
        var hasher = new LedgerDigest.RowHasher(db.Model.FindEntityType(typeof(LabResult))!);

        var digest = hasher.Of(row);

        digest.ShouldBe(ByText(db, row));
        hasher.Of(row).ShouldBe(digest); // the reused buffer and hash leave nothing behind
    }
}
