namespace Stroma.Clinical.Issues;

/// <summary>How bad an <see cref="Issue"/> is. An <see cref="Error"/> means the result cannot be trusted.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>
/// An expected problem with clinical input or a rule that was not met: the one issue type every layer returns
/// and every surface maps once (ModelState, OperationOutcome, ProblemDetails, a stderr line plus exit code).
/// </summary>
/// <param name="Severity">Error, warning or information.</param>
/// <param name="Code">A stable code from <see cref="IssueCodes"/>, documented in docs/issue-codes.md.</param>
/// <param name="Message">What is wrong, naming the value and what was expected; never a stack trace.</param>
/// <param name="Path">Where: an item key such as <c>proteinuria</c>, or a dotted path; empty for the whole record.</param>
public sealed record Issue(Severity Severity, string Code, string Message, string Path)
{
    public static Issue Error(string code, string path, string message) => new(Severity.Error, code, message, path);

    public static Issue Warning(string code, string path, string message) => new(Severity.Warning, code, message, path);

    public static Issue Info(string code, string path, string message) => new(Severity.Info, code, message, path);

    public bool IsError => Severity == Severity.Error;

    public override string ToString() =>
        string.IsNullOrEmpty(Path) ? $"{Severity.ToString().ToLowerInvariant()} {Code}: {Message}"
                                   : $"{Severity.ToString().ToLowerInvariant()} {Code} [{Path}]: {Message}";
}
