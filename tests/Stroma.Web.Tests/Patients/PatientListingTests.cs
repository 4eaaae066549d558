// Source: issue #8 "Patient list with search": the study-id search of the patient list (docs/web.md), a part of the
// id in any letter case, checked against a plain per-row comparison.
using Stroma.Web.Features.Patients;

namespace Stroma.Web.Tests.Patients;

public sealed class PatientListingTests
{
    private static PatientRow Row(string studyId) => new(Guid.CreateVersion7(), "A", studyId, "Female", 1990, null, PatientStatus.Active);

    [Theory]
    [InlineData("aa", "AA-1 XAA-2 AAAA-3")]
    [InlineData("-3", "AAAA-3 B-33")]
    [InlineData("3", "AAAA-3 B-33")]
    [InlineData("b-33", "B-33")]
    [InlineData("张-1", "张-1")]
    [InlineData("zz", "")]
    [InlineData("3\nB", "")]
    public void Search_PartOfStudyId_AnyCase_EachRowOnce_InListOrder(string term, string expected)
    {
        var rows = new[] { "AA-1", "XAA-2", "AAAA-3", "B-33", "张-1" }.Select(Row).ToList();
        var listing = new PatientListing(rows);

        var found = listing.Search(term).Select(r => r.StudyId).ToList();

        found.ShouldBe(expected.Length == 0 ? [] : expected.Split(' '));
        found.ShouldBe([.. rows.Where(r => r.StudyId.Contains(term, StringComparison.OrdinalIgnoreCase)).Select(r => r.StudyId)]);
    }

    [Fact]
    public void Search_Empty_AllRows()
    {
        var rows = new[] { "A-1", "A-2" }.Select(Row).ToList();
        new PatientListing(rows).Search(string.Empty).ShouldBe(rows);
    }
}
