namespace Stroma.Clinical.Scoring;

/// <summary>
/// An instrument as the generic surfaces see it (<c>stroma score</c>, forms, import): documented item keys in,
/// a <see cref="ScoreResult"/> out. Each instrument also has a typed API (e.g. <see cref="Sledai2k.Score"/>);
/// this adapter only maps raw items onto it.
/// </summary>
public interface IInstrument
{
    /// <summary>Stable lowercase key used on the command line and in storage (e.g. <c>sledai2k</c>).</summary>
    string Key { get; }

    /// <summary>The published name (e.g. "SLEDAI-2K").</summary>
    string Name { get; }

    /// <summary>Algorithm version stored with each score.</summary>
    string Version { get; }

    /// <summary>The publication the algorithm follows.</summary>
    string Citation { get; }

    /// <summary>The documented item keys.</summary>
    IReadOnlyList<ItemDefinition> Items { get; }

    /// <summary>Scores one record of raw items. Never throws for bad input: problems come back as issues.</summary>
    ScoreResult Score(IReadOnlyDictionary<string, ItemValue> items);
}
