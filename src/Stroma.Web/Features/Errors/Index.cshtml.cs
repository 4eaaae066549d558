using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Stroma.Web.Features.Errors;

/// <summary>Shown after an unexpected error: no detail of it, only the correlation id that the log carries.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[AllowAnonymous]
public sealed class IndexModel : PageModel
{
    public string CorrelationId => HttpContext.TraceIdentifier;

    public void OnGet()
    {
        // Rendered for re-executed requests of any method (the failing request may have been a POST).
    }

    public void OnPost()
    {
    }
}
