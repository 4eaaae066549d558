using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Clinical.Scoring;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Scoring;

/// <summary>
/// The form of one instrument, built from its documented items (<see cref="InstrumentForm"/>, shared with the visit
/// pages that save an assessment). The total shown while ticking comes from <c>/api/score/{instrument}</c>
/// (wwwroot/js/score.js); on submit the server scores again and is the source of truth, mapping each issue onto the
/// item it names. Nothing is stored here: the calculator.
/// </summary>
/// <remarks>Open without signing in: it stores and reads no registry data.</remarks>
[AllowAnonymous]
public sealed class FormModel(Instruments instruments, ClinicalText clinical, IStringLocalizer<Text> text) : PageModel
{
    public InstrumentForm Form { get; private set; } = null!;

    public IInstrument Instrument => Form.Instrument;

    public ClinicalText Clinical => clinical;

    /// <summary>The server's score of the current values (the empty form on first display).</summary>
    public ScoreResult Result { get; private set; } = null!;

    public bool Submitted { get; private set; }

    public IActionResult OnGet(string instrument)
    {
        if (!Load(instrument))
        {
            return NotFound();
        }

        Result = Instrument.Score(new Dictionary<string, ItemValue>());
        return Page();
    }

    /// <summary>Scores the form: the server's answer, with each issue on the item it names.</summary>
    public IActionResult OnPost(string instrument)
    {
        if (!Load(instrument))
        {
            return NotFound();
        }

        Submitted = true;
        Result = Instrument.Score(Form.Read(Request.Form));
        Form.AddErrors(Result);
        return Page();
    }

    /// <summary>"Check labs" on the SLEDAI-2K form: shows the suggested descriptors without scoring the submit.</summary>
    public IActionResult OnPostLabs(string instrument)
    {
        if (!Load(instrument))
        {
            return NotFound();
        }

        Result = Instrument.Score(Form.Read(Request.Form));
        return Page();
    }

    private bool Load(string key)
    {
        if (instruments.Find(key) is not { } found)
        {
            return false;
        }

        Form = new InstrumentForm(found, clinical, text, ModelState);
        return true;
    }
}
