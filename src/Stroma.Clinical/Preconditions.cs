namespace Stroma.Clinical;

/// <summary>
/// Argument checks for programmer errors. Expected failures (bad clinical input) are never thrown:
/// they are returned as <see cref="Issues.Issue"/> values.
/// </summary>
public static class Preconditions
{
    public static T NotNull<T>(T? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
        where T : class
        => value ?? throw new ArgumentNullException(name);

    public static string NotBlank(string? value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }

    public static void Requires(bool condition, string message, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string? name = null)
    {
        if (!condition)
        {
            throw new ArgumentException(message, name);
        }
    }
}
