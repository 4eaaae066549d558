using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Errors;

/// <summary>
/// The page for an empty error answer (404 unknown page, 400 refused form such as a missing antiforgery token,
/// 405, 415): says what happened in the user's language and keeps the status code. JSON API answers carry their
/// own ProblemDetails and never reach this page.
/// </summary>
[IgnoreAntiforgeryToken]
[AllowAnonymous]
public sealed class StatusModel(IStringLocalizer<Text> text) : PageModel
{
    public string Title { get; private set; } = "";

    public string Text { get; private set; } = "";

    public void OnGet(int code) => Describe(code);

    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        // Reached directly (not re-executed), a status page answers 404 rather than echo any code.
        if (HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is null)
        {
            code = StatusCodes.Status404NotFound;
            Response.StatusCode = code;
        }

        var key = code switch
        {
            StatusCodes.Status400BadRequest => "status.400",
            StatusCodes.Status404NotFound => "status.404",
            StatusCodes.Status403Forbidden => "status.403",
            StatusCodes.Status429TooManyRequests => "status.429",
            _ => "status.other",
        };
        Title = text[key + ".title"];
        Text = text[key + ".text", code];
    }
}
