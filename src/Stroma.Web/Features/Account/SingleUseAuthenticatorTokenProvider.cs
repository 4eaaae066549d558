using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Stroma.Data;
using Stroma.Data.Model;

namespace Stroma.Web.Features.Account;

/// <summary>
/// The authenticator (TOTP) second factor, each code usable once. The code is RFC 6238's (IETF 2011): HMAC-SHA1 of
/// the time step (Unix seconds / 30, section 4.2) with the user's base32 key (RFC 4648 section 6, the key format of
/// authenticator apps), dynamically truncated to 6 digits (RFC 4226 section 5.3), with one step of drift either way
/// for the phone's clock and the network (RFC 6238 section 5.2 recommends at most one). Identity's own provider
/// accepts the same code again within its window; here the accepted step is recorded
/// (<see cref="User.AuthenticatorLastStep"/>) and a code of that step or an earlier one is refused (OWASP ASVS 4.0.3
/// V2.8.4, "time-based OTPs can be used only once within the validity period"). The record is one conditional
/// <c>UPDATE</c>, so two requests racing with one code cannot both pass (docs/security.md).
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider(StromaDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<User>
{
    /// <summary>Steps of drift accepted either side of now.</summary>
    public const int Drift = 1;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<User> manager, User user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user).ConfigureAwait(false));
    }

    /// <summary>The code comes from the user's app; the server never sends one.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<User> manager, User user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<User> manager, User user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var key = await manager.GetAuthenticatorKeyAsync(user).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit) || Base32(key) is not { Length: > 0 } secret)
        {
            return false;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds() / 30;
        for (var step = now - Drift; step <= now + Drift; step++)
        {
            if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(token)))
            {
                continue;
            }

            // Accepted once: only if no code of this step or a later one was accepted before (atomic on both engines).
            var matched = step;
            var id = user.Id;
            var claimed = await db.Users.Where(u => u.Id == id && (u.AuthenticatorLastStep == null || u.AuthenticatorLastStep < matched))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.AuthenticatorLastStep, matched)).ConfigureAwait(false);
            return claimed == 1;
        }

        return false;
    }

    /// <summary>The 6-digit code of <paramref name="step"/> (RFC 6238 section 4.2 with RFC 4226 section 5.3).</summary>
    public static string Code(byte[] key, long step)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238's default and what authenticator apps compute: HMAC-SHA1 is the algorithm, not a choice.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 base32 (upper or lower case, spaces and padding ignored); null when a character is not base32.</summary>
    public static byte[]? Base32(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        int bits = 0, value = 0;
        var bytes = new List<byte>(text.Length * 5 / 8);
        foreach (var c in text)
        {
            if (c is ' ' or '=')
            {
                continue;
            }

            var index = alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (index < 0)
            {
                return null;
            }

            value = ((value << 5) | index) & 0xffff;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }
}
