// Source: docs/interop.md, mapping row "NTE-3 (after an OBX)": a laboratory's note is stored with that OBX's result and
// shown on the patient's timeline ("Laboratory notes"), with its result's specimen time and analyte; free text from
// outside, so it is HTML-escaped like every other value.
using Stroma.Web.Tests.LabEntry;

namespace Stroma.Web.Tests.Patients;

public sealed class TimelineLabNotesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Timeline_ResultWithNote_NoteShownWithItsResultEscaped()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);
        await LabSeed.AddC3Async(factory, seed, new DateTimeOffset(2024, 3, 1, 0, 45, 0, TimeSpan.Zero), "Specimen slightly haemolysed <b>repeat</b> & advised");

        using var monitor = await factory.SignedInAsync("monitor");
        var page = await monitor.GetStringAsync(new Uri($"/patients/{seed.PatientA}", UriKind.Relative), Ct);

        page.ShouldContain("id=\"lab-notes\"");
        var notes = page[page.IndexOf("id=\"lab-notes\"", StringComparison.Ordinal)..];
        notes = notes[..notes.IndexOf("</ul>", StringComparison.Ordinal)];
        notes.ShouldContain("<li data-analyte=\"c3\">2024-03-01 00:45 UTC");
        notes.ShouldContain("<span class=\"lab-note\">Specimen slightly haemolysed &lt;b&gt;repeat&lt;/b&gt; &amp; advised</span>");
        page.ShouldNotContain("<b>repeat</b>");
    }

    [Fact]
    public async Task Timeline_NoNotes_NoNotesList()
    {
        await using var factory = new WebFactory();
        var seed = await LabSeed.SeedAsync(factory);

        using var monitor = await factory.SignedInAsync("monitor");
        var page = await monitor.GetStringAsync(new Uri($"/patients/{seed.PatientA}", UriKind.Relative), Ct);

        page.ShouldContain($"/patients/{seed.PatientA}");
        page.ShouldNotContain("id=\"lab-notes\"");
    }
}
