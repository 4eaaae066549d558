using Stroma.Clinical.Issues;

namespace Stroma.Clinical.CellTherapy;

/// <summary>
/// An ISBT 128 donation identification number (DIN): 13 characters — facility identification number (5: a letter
/// or digit then 4 digits), year (2 digits) and sequence number (6 digits) — with its eye-readable check character
/// computed by ISO/IEC 7064 MOD 37-2 over the 13 characters (ICCBBA ISBT 128 Standard Technical Specification
/// ST-001; the algorithm and worked example "G123 498 654 321" → H as in JPAC, Guidelines for the Blood Transfusion
/// Services in the UK, Annex 2 "ISBT 128 check character calculation"). Only the structure and check character are
/// validated: ICCBBA's facility and product-code tables are licensed and not shipped.
/// </summary>
public readonly record struct Isbt128Din
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

    private Isbt128Din(string value) => Value = value;

    /// <summary>The 13 data characters, upper case, without spaces or the check character.</summary>
    public string Value { get; }

    public string FacilityCode => Value[..5];

    public string Year => Value[5..7];

    public string SequenceNumber => Value[7..];

    /// <summary>The eye-readable check character (one of 0–9, A–Z, *).</summary>
    public char CheckCharacter => ComputeCheckCharacter(Value);

    /// <summary>Printed form: "G1234 98 654321 H".</summary>
    public override string ToString() => $"{FacilityCode} {Year} {SequenceNumber} {CheckCharacter}";

    /// <summary>
    /// ISO/IEC 7064 MOD 37-2 (pure system, radix 2): each character's value (0–9 → 0–9, A–Z → 10–35, * → 36) is
    /// weighted by 2^n, n its position from the right (rightmost n = 1); the check value is (38 − sum mod 37) mod 37,
    /// written with the same table. Computed by Horner's rule, p = 2·(p + value) mod 37, which gives the same sum mod 37.
    /// </summary>
    public static char ComputeCheckCharacter(string data)
    {
        Preconditions.NotNull(data);
        var p = 0;
        foreach (var c in data)
        {
            var v = Alphabet.IndexOf(c, StringComparison.Ordinal);
            Preconditions.Requires(v >= 0 && c != '*', $"'{c}' is not a character of ISO 7064 MOD 37-2 data.");
            p = (p + v) * 2 % 37;
        }

        return Alphabet[(38 - p) % 37];
    }

    /// <summary>
    /// Parses a DIN as people write it: 13 characters plus the check character, spaces allowed ("G1234 98 654321 H"),
    /// letters in either case. 13 characters without a check character are accepted with an information issue (a bar
    /// code carries the check in its flag characters instead). Returns the DIN, or null with the issues.
    /// </summary>
    public static (Isbt128Din? Din, IReadOnlyList<Issue> Issues) Parse(string text, string path = "lot_id")
    {
        Preconditions.NotNull(text);
        var compact = string.Concat(text.Where(c => c != ' ')).ToUpperInvariant();
        if (compact.Length is not (13 or 14))
        {
            return (null, [Issue.Error(IssueCodes.IsbtDinMalformed, path, $"'{text}' has {compact.Length} characters; an ISBT 128 DIN has 13 plus a check character.")]);
        }

        var data = compact[..13];
        var structureOk = char.IsAsciiLetterUpper(data[0]) || char.IsAsciiDigit(data[0]);
        structureOk &= data[1..].All(char.IsAsciiDigit);
        if (!structureOk)
        {
            return (null, [Issue.Error(IssueCodes.IsbtDinMalformed, path,
                $"'{text}' is not facility code (a letter or digit and 4 digits), year (2 digits) and sequence number (6 digits).")]);
        }

        var din = new Isbt128Din(data);
        if (compact.Length == 13)
        {
            return (din, [Issue.Info(IssueCodes.IsbtDinCheckCharacterAbsent, path, $"No check character given; it is {din.CheckCharacter}.")]);
        }

        if (compact[13] != din.CheckCharacter)
        {
            return (null, [Issue.Error(IssueCodes.IsbtDinCheckCharacterMismatch, path,
                $"Check character {compact[13]} does not match {din.CheckCharacter} computed for {data}: a character is mistyped.")]);
        }

        return (din, []);
    }
}
