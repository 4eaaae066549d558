namespace Stroma.Clinical.Issues;

/// <summary>
/// The outcome of reading one value from user input: the value, or the <see cref="Issue"/> saying which field held which
/// text and why it was refused (after NodaTime's <c>ParseResult&lt;T&gt;</c>, with an issue in place of an exception).
/// </summary>
public readonly record struct ParseResult<T>
{
    private readonly T _value;

    internal ParseResult(T value, Issue? issue)
    {
        _value = value;
        Issue = issue;
    }

    /// <summary>Why the text was refused; null on success.</summary>
    public Issue? Issue { get; }

    public bool Success => Issue is null;

    /// <summary>The value read; reading it from a failed result is a programmer error.</summary>
    public T Value => Success ? _value : throw new InvalidOperationException($"No value: {Issue}");
}

/// <summary>Makes <see cref="ParseResult{T}"/> values.</summary>
public static class ParseResult
{
    public static ParseResult<T> Ok<T>(T value) => new(value, null);

    public static ParseResult<T> Failed<T>(Issue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        return new(default!, issue);
    }
}
