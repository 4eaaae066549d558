namespace Stroma.Cli.Io;

/// <summary>The bar every progress line starts with: 30 cells, <c>#</c> for the part done.</summary>
public static class ProgressBar
{
    /// <summary><c>[#########.....................]</c> for <paramref name="fraction"/> (0 to 1) done.</summary>
    public static string Of(double fraction) => "[" + new string('#', (int)(Math.Clamp(fraction, 0, 1) * 30)).PadRight(30, '.') + "]";
}
