// Source: RFC 6238 "TOTP: Time-Based One-Time Password Algorithm" (IETF, 2011), section 4 and Appendix B (test
// vectors); RFC 4226 section 5.3 (dynamic truncation); RFC 4648 section 6 (base32, the key format of authenticator apps).
using System.Security.Cryptography;

namespace Stroma.Web.Tests.Account;

/// <summary>The test's own TOTP (HMAC-SHA1, 30-second steps from the Unix epoch), written from the RFCs, not from Identity.</summary>
public static class Totp
{
    public static string Code(byte[] key, DateTimeOffset at, int digits = 6)
    {
        var step = at.ToUnixTimeSeconds() / 30;
        var counter = new byte[8];
        for (var i = 7; i >= 0; i--)
        {
            counter[i] = (byte)(step & 0xff);
            step >>= 8;
        }

#pragma warning disable CA5350 // RFC 6238's default and what authenticator apps use: HMAC-SHA1 is what is tested here.
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        var modulo = (int)Math.Pow(10, digits);
        return (binary % modulo).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>The code for a base32 key (spaces ignored) now, per <paramref name="clock"/>.</summary>
    public static string Code(string base32Key, TimeProvider clock) => Code(Base32(base32Key), clock.GetUtcNow());

    /// <summary>
    /// The code of the next 30-second step: what the app shows next. Each code is accepted once, so a test that used
    /// the current step's code (to enrol) signs in with this one, which the server's one step of drift accepts.
    /// </summary>
    public static string NextCode(string base32Key, TimeProvider clock) => Code(Base32(base32Key), clock.GetUtcNow().AddSeconds(30));

    public static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var bytes = new List<byte>();
        foreach (var c in text.ToUpperInvariant().Where(c => c is not (' ' or '=')))
        {
            var index = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (index < 0)
            {
                throw new FormatException($"'{c}' is not base32.");
            }

            value = (value << 5) | index;
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

public sealed class TotpTests
{
    /// <summary>RFC 6238 Appendix B, the SHA-1 rows: seed "12345678901234567890" (ASCII), 8 digits.</summary>
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Code_Rfc6238AppendixB_MatchesTheVector(long unixSeconds, string expected) =>
        Totp.Code("12345678901234567890"u8.ToArray(), DateTimeOffset.FromUnixTimeSeconds(unixSeconds), digits: 8).ShouldBe(expected);

    [Fact]
    public void Base32_Rfc4648Vector_Decodes() =>
        System.Text.Encoding.ASCII.GetString(Totp.Base32("MZXW6YTBOI======")).ShouldBe("foobar");
}
