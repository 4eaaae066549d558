using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Stroma.Data.Model;

namespace Stroma.Web.Features.Account;

/// <summary>
/// Identity's sign-in manager, plus a sign-in for a user the hospital's identity provider vouched for (single sign-on):
/// it goes through Identity's own second-factor step, so an enrolled user still gives a TOTP code unless the provider
/// reported a multi-factor sign-in itself.
/// </summary>
public sealed class StromaSignInManager(
    UserManager<User> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<User> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<User>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<User> confirmation)
    : SignInManager<User>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>The login provider name recorded for single sign-on sessions.</summary>
    public const string SingleSignOnProvider = "oidc";

    /// <summary>
    /// Signs <paramref name="user"/> in after the identity provider authenticated them: refused when the account is
    /// disabled or locked out; <see cref="SignInResult.TwoFactorRequired"/> when the user enrolled a second factor and
    /// the provider did not report one (<paramref name="providerDidMfa"/>); otherwise signed in, with <c>amr</c> =
    /// <c>mfa</c> when the provider did.
    /// </summary>
    public async Task<SignInResult> SingleSignOnAsync(User user, bool providerDidMfa)
    {
        ArgumentNullException.ThrowIfNull(user);
        var refused = await PreSignInCheck(user);
        if (refused is not null)
        {
            return refused;
        }

        if (providerDidMfa)
        {
            await SignInWithClaimsAsync(user, isPersistent: false,
                [new(MfaRequired.MethodsClaim, MfaRequired.MultiFactor), new(System.Security.Claims.ClaimTypes.AuthenticationMethod, SingleSignOnProvider)]);
            return SignInResult.Success;
        }

        return await SignInOrTwoFactorAsync(user, isPersistent: false, loginProvider: SingleSignOnProvider);
    }
}
