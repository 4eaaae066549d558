using System.ComponentModel;
using System.Globalization;

namespace Stroma.Cli.Io;

/// <summary>
/// Lets a lone <c>-</c> name standard input (docs/cli.md: <c>stroma score sledai2k -</c>). Spectre.Console.Cli's tokenizer
/// reads a lone <c>-</c> as an option without a name and stops ("Option does not have a name"), so <see cref="Protect"/>
/// swaps it for a marker no command line can hold (argument strings cannot contain NUL), and a FILE argument declared
/// with <c>[TypeConverter(typeof(StandardInputArgument.Converter))]</c> turns the marker back into <c>-</c> while it is
/// bound, before the settings are validated. Commands therefore only ever see <c>-</c>.
/// </summary>
public static class StandardInputArgument
{
    /// <summary>Shown as "-" where it is printed (the NUL is invisible), in case an argument without the converter gets it.</summary>
    private const string Marker = "\0-";

    /// <summary>Replaces each lone <c>-</c> before a <c>--</c> separator by the marker.</summary>
    public static string[] Protect(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = (string[])args.Clone();
        for (var i = 0; i < result.Length && result[i] != "--"; i++)
        {
            if (result[i] == "-")
            {
                result[i] = Marker;
            }
        }

        return result;
    }

    /// <summary>Binds the marker back to <c>-</c>; any other text is kept as it is.</summary>
    public sealed class Converter : StringConverter
    {
        public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
            value is string text ? (text == Marker ? "-" : text) : base.ConvertFrom(context, culture, value);
    }
}
