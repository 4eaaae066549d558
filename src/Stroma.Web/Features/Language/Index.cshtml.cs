using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Access;
using Stroma.Web.Hosting;

namespace Stroma.Web.Features.Language;

/// <summary>
/// The language switch in the layout posts here: it stores the choice in the culture cookie (for a year) and goes
/// back to the page the user was on; for a signed-in user it also becomes the account's language (applied at every
/// sign-in). Only the offered cultures and local return addresses are accepted.
/// </summary>
[AllowAnonymous]
public sealed class IndexModel(StromaDbContext db, UserAccess access) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(string? culture, string? returnUrl, CancellationToken cancellationToken)
    {
        if (culture is null || !StromaWebHost.Cultures.Any(c => c.Name == culture))
        {
            return BadRequest();
        }

        // A signed-in user's choice is kept with the account, so it follows them to another browser.
        if (access.UserId is { } userId && await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) is { } user && user.Language != culture)
        {
            user.Language = culture;
            await db.SaveChangesAsync(cancellationToken);
        }

        WriteCultureCookie(Response, culture);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }

    /// <summary>The culture cookie the request-localization middleware reads (a year; also set at sign-in).</summary>
    public static void WriteCultureCookie(HttpResponse response, string culture)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = response.HttpContext.Request.IsHttps });
    }
}
