using BenchmarkDotNet.Attributes;
using Stroma.Clinical.Scoring;

namespace Stroma.Bench;

/// <summary>
/// Times one scoring of each instrument's documented worked example through its generic adapter (the path
/// <c>stroma score</c> takes), plus the typed SLEDAI-2K API alone.
/// </summary>
[MemoryDiagnoser]
public class InstrumentBenchmarks
{
    private IInstrument _instrument = null!;
    private IReadOnlyDictionary<string, ItemValue> _record = null!;

    public static IEnumerable<string> Keys => InstrumentCatalog.All.Select(i => i.Key);

    [ParamsSource(nameof(Keys))]
    public string Instrument { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _instrument = InstrumentCatalog.Find(Instrument)!;
        _record = SampleRecords.For(_instrument);
        if (!_instrument.Score(_record).IsValid)
        {
            throw new InvalidOperationException($"The sample record of {Instrument} does not score cleanly.");
        }
    }

    [Benchmark]
    public decimal? ScoreThroughAdapter() => _instrument.Score(_record).Total;
}

/// <summary>The typed SLEDAI-2K API without item parsing.</summary>
[MemoryDiagnoser]
public class Sledai2kTypedBenchmark
{
    private readonly Sledai2kInput _input = new(new HashSet<Sledai2kDescriptor>
    {
        Sledai2kDescriptor.Arthritis, Sledai2kDescriptor.Proteinuria, Sledai2kDescriptor.Hematuria,
        Sledai2kDescriptor.LowComplement, Sledai2kDescriptor.IncreasedDnaBinding,
    });

    [Benchmark]
    public int Score() => Sledai2k.Score(_input).Total;
}
