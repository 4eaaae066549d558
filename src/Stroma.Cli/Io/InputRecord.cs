using Stroma.Clinical.Issues;
using Stroma.Clinical.Scoring;

namespace Stroma.Cli.Io;

/// <summary>One record read from a JSON Lines or CSV file.</summary>
/// <param name="Line">1-based line number in the file (for CSV, the header is line 1).</param>
/// <param name="Id">The record's <c>id</c>, or null when missing.</param>
/// <param name="Items">The raw items by key, or null when the line could not be read at all.</param>
/// <param name="Problem">Why the line could not be read, when <paramref name="Items"/> is null.</param>
public sealed record InputRecord(long Line, string? Id, IReadOnlyDictionary<string, ItemValue>? Items, Issue? Problem);
