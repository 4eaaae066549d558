namespace Stroma.Cli.Io;

/// <summary>The CLI's exit codes (docs/cli.md).</summary>
public static class ExitCodes
{
    /// <summary>Everything was processed without an error.</summary>
    public const int Ok = 0;

    /// <summary>Some input had errors (each reported on standard error); valid records were still processed.</summary>
    public const int InvalidInput = 1;

    /// <summary>The command line itself is wrong (unknown command, option or instrument).</summary>
    public const int Usage = 2;

    /// <summary>An unexpected failure (a bug or an environment problem); details on standard error.</summary>
    public const int Unexpected = 3;
}
