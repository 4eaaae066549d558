using PdfSharp.Fonts;

namespace Stroma.Reporting;

/// <summary>
/// The PDF's fonts (PDFsharp has no system fonts on Linux): DejaVu Sans (Debian fonts-dejavu-core) for an English
/// report, and WenQuanYi Zen Hei (Debian fonts-wqy-zenhei, a CJK font that also covers Latin) for a Chinese one, embedded
/// as a subset. The Zen Hei has no bold face: PDFsharp simulates it. A missing font file is a
/// <see cref="ReportFontMissingException"/> naming the file and the package, checked before any page is drawn.
/// The files are looked for in Debian's folders, or only in a font folder the caller names (<c>stroma report study
/// --fonts DIR</c> or <c>STROMA_REPORT_FONTS</c>; the web app's <c>Reports:Fonts</c>): DejaVuSans.ttf,
/// DejaVuSans-Bold.ttf and wqy-zenhei.ttc there. PDFsharp keeps one resolver for the process, so the folder that last
/// passed <see cref="EnsureInstalled"/> is the one the faces are read from.
/// </summary>
internal sealed class ReportFontResolver : IFontResolver
{
    public const string Family = "DejaVu Sans";

    public const string CjkFamily = "WenQuanYi Zen Hei";

    private const string CjkFace = "wqy-zenhei";

    private static readonly Lock Gate = new();

    /// <summary>The environment variable naming a font folder for the CLI (its <c>--fonts</c> option wins).</summary>
    public const string EnvironmentVariable = "STROMA_REPORT_FONTS";

    private static readonly (string Face, string Package, string File, string[] Paths)[] Faces =
    [
        ("DejaVuSans", "fonts-dejavu-core", "DejaVuSans.ttf", ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/local/share/fonts/DejaVuSans.ttf"]),
        ("DejaVuSans-Bold", "fonts-dejavu-core", "DejaVuSans-Bold.ttf", ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf", "/usr/local/share/fonts/DejaVuSans-Bold.ttf"]),
        (CjkFace, "fonts-wqy-zenhei", "wqy-zenhei.ttc", ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/local/share/fonts/wqy-zenhei.ttc"]),
    ];

    /// <summary>The file each face was last found at by <see cref="EnsureInstalled"/> (read by <see cref="GetFont"/>).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Found = new(StringComparer.Ordinal);

    public static void Install()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not ReportFontResolver)
            {
                GlobalFontSettings.FontResolver = new ReportFontResolver();
            }
        }
    }

    /// <summary>The family a report in <paramref name="language"/> is drawn in.</summary>
    public static string FamilyFor(ReportLanguage language) => language.IsChinese ? CjkFamily : Family;

    /// <summary>
    /// Throws <see cref="ReportFontMissingException"/> unless every font file a report in <paramref name="language"/> needs
    /// is installed: in <paramref name="directory"/> when one is named (and only there), else in Debian's folders.
    /// </summary>
    public static void EnsureInstalled(ReportLanguage language, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(language);
        foreach (var (face, package, file, defaults) in Faces.Where(f => language.IsChinese ? f.Face == CjkFace : f.Face != CjkFace))
        {
            string[] paths = string.IsNullOrWhiteSpace(directory) ? defaults : [Path.Combine(directory, file)];
            var path = paths.FirstOrDefault(File.Exists) ?? throw new ReportFontMissingException(face, package, language, paths);
            Found[face] = path;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        familyName == CjkFamily ? new FontResolverInfo(CjkFace, bold, false) : new FontResolverInfo(bold ? "DejaVuSans-Bold" : "DejaVuSans");

    public byte[]? GetFont(string faceName)
    {
        var (face, package, _, paths) = Faces.Single(f => f.Face == faceName);
        var path = (Found.TryGetValue(face, out var found) ? found : null) ?? paths.FirstOrDefault(File.Exists)
            ?? throw new ReportFontMissingException(face, package, null, paths);
        var bytes = File.ReadAllBytes(path);
        return path.EndsWith(".ttc", StringComparison.Ordinal) ? TrueTypeCollection.FirstFont(bytes) : bytes;
    }
}

/// <summary>A font the PDF needs is not installed: the message names the font file looked for and the Debian package that provides it.</summary>
public sealed class ReportFontMissingException : Exception
{
    internal ReportFontMissingException(string face, string package, ReportLanguage? language, IReadOnlyList<string> paths)
        : base($"The {(language is null ? "" : language.Code + " ")}PDF report needs the font '{face}', which is not installed (looked for {string.Join(", ", paths)}); install the Debian package {package}.")
    {
        Package = package;
    }

    public ReportFontMissingException()
    {
        Package = "";
    }

    public ReportFontMissingException(string message)
        : base(message)
    {
        Package = "";
    }

    public ReportFontMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Package = "";
    }

    /// <summary>The Debian package that provides the missing font.</summary>
    public string Package { get; }
}
