using Stroma.Clinical.Scoring;

namespace Stroma.Web.Features.Scoring;

/// <summary>The instruments the web offers (the catalog in production; tests may swap in their own).</summary>
public sealed class Instruments(IReadOnlyList<IInstrument> all)
{
    public IReadOnlyList<IInstrument> All { get; } = all;

    public IInstrument? Find(string key) =>
        All.FirstOrDefault(i => string.Equals(i.Key, key, StringComparison.OrdinalIgnoreCase));
}
