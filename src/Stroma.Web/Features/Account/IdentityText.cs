using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Stroma.Web.Localization;

namespace Stroma.Web.Features.Account;

/// <summary>Identity's password and user-name errors in the user's language (resource key <c>identity.{Code}</c>).</summary>
public static class IdentityText
{
    public static string Describe(IStringLocalizer<Text> text, IdentityError error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(error);
        var localized = text[$"identity.{error.Code}", Hosting.StromaWebHost.MinimumPasswordLength];
        return localized.ResourceNotFound ? error.Description : localized.Value;
    }
}
