namespace Stroma.Clinical.Scoring;

/// <summary>Every instrument Stroma scores, by key. <c>stroma score --list</c> prints this.</summary>
public static class InstrumentCatalog
{
    public static IReadOnlyList<IInstrument> All { get; } =
    [
        Sledai2k.Instrument,
        Bilag2004.Instrument,
        Sdi.Instrument,
        Pga.Instrument,
        EularAcr2019.Instrument,
        Slicc2012.Instrument,
        Lldas.Instrument,
        Doris2021.Instrument,
        Sri4.Instrument,
        Bicla.Instrument,
        CrsAstct2019.Instrument,
        IcansAstct2019.Instrument,
        IcahtClinician.Instrument,
    ];

    public static IInstrument? Find(string key) =>
        All.FirstOrDefault(i => string.Equals(i.Key, key, StringComparison.OrdinalIgnoreCase));
}
