using Microsoft.AspNetCore.Identity;
using Stroma.Data.Model;

namespace Stroma.Web.Features.Account;

/// <summary>The password check of an electronic signature (a visit's, a lot release's), written once.</summary>
public static class Signatures
{
    /// <summary>
    /// The signed-in user <paramref name="userName"/> when <paramref name="password"/> is theirs, else null. A wrong
    /// password counts towards the account's lockout, as at sign-in, so a signature cannot be used to guess it; a
    /// locked-out account cannot sign until the lockout ends.
    /// </summary>
    public static async Task<User?> ConfirmSignerAsync(this SignInManager<User> signIn, string userName, string password)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        var user = await signIn.UserManager.FindByNameAsync(userName);
        return user is not null && (await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true)).Succeeded ? user : null;
    }
}
