using Stroma.Cli.Io;

namespace Stroma.Cli.Tests;

/// <summary>Runs <c>stroma</c> in-process with string I/O.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static Outcome Run(string stdin, params string[] args) => RunAt(null, stdin, args);

    /// <summary>Runs with "now" from <paramref name="clock"/> (the system clock when null).</summary>
    public static Outcome RunAt(TimeProvider? clock, string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = StromaCli.Run(args, new CliIo(input, output, error, IsTerminal: false), clock);
        return new Outcome(code, output.ToString(), error.ToString());
    }
}
