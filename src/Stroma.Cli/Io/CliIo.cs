namespace Stroma.Cli.Io;

/// <summary>
/// Where a command reads and writes. Commands never touch <see cref="Console"/> directly, so tests run them
/// in-process against strings and golden files.
/// </summary>
/// <param name="In">Standard input (records when no FILE is given).</param>
/// <param name="Out">Standard output: results only, machine-readable.</param>
/// <param name="Error">Standard error: one line per issue, progress and messages for people.</param>
/// <param name="IsTerminal">Whether standard error is a terminal (progress output is shown only then).</param>
public sealed record CliIo(TextReader In, TextWriter Out, TextWriter Error, bool IsTerminal)
{
    public static CliIo FromConsole()
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        var stderr = new StreamWriter(Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
        var stdin = new StreamReader(Console.OpenStandardInput(), System.Text.Encoding.UTF8, false, 1 << 16);
        return new CliIo(stdin, stdout, stderr, !Console.IsErrorRedirected);
    }

    /// <summary>Opens FILE for reading, or standard input when FILE is null or "-".</summary>
    public TextReader OpenInput(string? file) =>
        file is null or "-" ? In : new StreamReader(file, System.Text.Encoding.UTF8, true, 1 << 16);
}
