using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using Stroma.Data.Report;
using Stroma.Reporting.Localization;

namespace Stroma.Reporting;

public static partial class ReportWriters
{
    /// <summary>
    /// The report as an A4 PDF in <paramref name="language"/> (default English): a bookmark per section, the measures as a
    /// drawn table, then the charts as PNG. Throws <see cref="ReportFontMissingException"/> when the language's font is not installed.
    /// </summary>
    public static PdfDocument Pdf(StudyReport report, IReadOnlyList<ReportChart> charts, ReportLanguage? language = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(charts);
        var t = new ReportText(language ?? ReportLanguage.English);
        ReportFontResolver.EnsureInstalled(t.Language);
        ReportFontResolver.Install();
        var family = ReportFontResolver.FamilyFor(t.Language);
        var document = new PdfDocument();
        document.Info.Title = t["title"];
        document.Info.Creator = "Stroma";
        var page = NewPage(document, out var gfx);
        var fonts = new Dictionary<int, XFont>
        {
            [0] = new XFont(family, 9),
            [1] = new XFont(family, 18, XFontStyleEx.Bold),
            [2] = new XFont(family, 13, XFontStyleEx.Bold),
            [3] = new XFont(family, 10.5, XFontStyleEx.Bold),
            [ReportFormatting.SyntheticLevel] = new XFont(family, 10.5, XFontStyleEx.Bold),
        };
        const double margin = 50;
        var y = margin;
        var width = page.Width.Point - (2 * margin);

        void Break(double needed)
        {
            if (y + needed > page.Height.Point - margin)
            {
                gfx.Dispose();
                page = NewPage(document, out gfx);
                y = margin;
            }
        }

        foreach (var (level, text) in ReportFormatting.Lines(report, t))
        {
            if (level == ReportFormatting.TableLevel)
            {
                var table = new PdfTable(ReportFormatting.Table(report, text, t), fonts[0], new XFont(family, 8, XFontStyleEx.Bold), margin, width, t);
                y = table.Draw(gfx, y, page.Height.Point - margin, () =>
                {
                    gfx.Dispose();
                    page = NewPage(document, out gfx);
                    return (gfx, margin);
                });
                y += 6;
                continue;
            }

            var font = fonts[level];
            if (level is 1 or 2)
            {
                Break(40);
                y += level == 2 ? 8 : 0;
                document.Outlines.Add(text, page, true);
            }

            foreach (var line in Wrap(gfx, text, font, width))
            {
                Break(font.Size * 1.4);
                gfx.DrawString(line, font, level == ReportFormatting.SyntheticLevel ? XBrushes.DarkRed : XBrushes.Black, new XRect(margin, y, width, font.Size * 1.4), XStringFormats.TopLeft);
                y += font.Size * 1.4;
            }
        }

        gfx.Dispose();
        page = NewPage(document, out gfx);
        y = margin;
        document.Outlines.Add(t["charts"], page, true);
        foreach (var chart in charts)
        {
            using var stream = new MemoryStream(chart.Png);
            using var image = XImage.FromStream(stream);
            var height = width * image.PixelHeight / image.PixelWidth;
            Break(height + 12);
            gfx.DrawImage(image, margin, y, width, height);
            y += height + 12;
        }

        gfx.Dispose();
        return document;
    }

    /// <summary>
    /// Draws a <see cref="ReportFormatting.ReportTable"/>: a shaded header row, ruled rows and column lines, numbers right-aligned,
    /// group rows spanning the width; at a page break the header row is drawn again on the new page.
    /// </summary>
    private sealed class PdfTable(ReportFormatting.ReportTable table, XFont font, XFont bold, double left, double width, ReportText t)
    {
        private const double Padding = 3;
        private readonly double rowHeight = font.Size * 1.6;
        private readonly double[] widths = Widths(table, width);

        private static readonly XPen Rule = new(XColor.FromArgb(170, 170, 170), 0.4);
        private static readonly XPen Frame = new(XColors.Black, 0.8);
        private static readonly XBrush HeaderFill = new XSolidBrush(XColor.FromArgb(230, 230, 230));
        private static readonly XBrush GroupFill = new XSolidBrush(XColor.FromArgb(245, 245, 245));

        private static double[] Widths(ReportFormatting.ReportTable table, double width)
        {
            var total = table.Columns.Sum(c => c.Width);
            return [.. table.Columns.Select(c => c.Width / total * width)];
        }

        /// <summary>Draws from <paramref name="y"/>; <paramref name="newPage"/> gives the next page's graphics and top. Returns the y below the table.</summary>
        public double Draw(XGraphics gfx, double y, double bottom, Func<(XGraphics Gfx, double Top)> newPage)
        {
            var top = y;
            string? currentGroup = null;
            Header(gfx, ref y);
            for (var i = 0; i < table.Rows.Count; i++)
            {
                var (group, cells) = table.Rows[i];
                // A group row keeps at least its first row with it on the page.
                var needed = rowHeight * (group is not null && i + 1 < table.Rows.Count ? 2 : 1);
                if (y + needed > bottom)
                {
                    Close(gfx, top, y);
                    (gfx, y) = newPage();
                    top = y;
                    Header(gfx, ref y);
                    if (group is null && currentGroup is not null)
                    {
                        Group(gfx, ref y, t["continued", currentGroup]);
                    }
                }

                if (group is not null)
                {
                    currentGroup = group;
                    Group(gfx, ref y, group);
                    continue;
                }
                Cells(gfx, y, cells, font);
                ColumnLines(gfx, y);
                y += rowHeight;
                gfx.DrawLine(Rule, left, y, left + width, y);
            }

            Close(gfx, top, y);
            return y;
        }

        private void Group(XGraphics gfx, ref double y, string label)
        {
            gfx.DrawRectangle(GroupFill, left, y, width, rowHeight);
            gfx.DrawString(label, bold, XBrushes.Black, new XRect(left + Padding, y, width - (2 * Padding), rowHeight), XStringFormats.CenterLeft);
            y += rowHeight;
            gfx.DrawLine(Rule, left, y, left + width, y);
        }

        private void Header(XGraphics gfx, ref double y)
        {
            gfx.DrawRectangle(HeaderFill, left, y, width, rowHeight);
            Cells(gfx, y, [.. table.Columns.Select(c => c.Header)], bold);
            ColumnLines(gfx, y);
            y += rowHeight;
            gfx.DrawLine(Frame, left, y, left + width, y);
        }

        private void Cells(XGraphics gfx, double y, IReadOnlyList<string> cells, XFont cellFont)
        {
            var x = left;
            for (var c = 0; c < widths.Length; c++)
            {
                var text = c < cells.Count ? cells[c] : "";
                var rect = new XRect(x + Padding, y, widths[c] - (2 * Padding), rowHeight);
                gfx.DrawString(text, cellFont, XBrushes.Black, rect, table.Columns[c].Numeric ? XStringFormats.CenterRight : XStringFormats.CenterLeft);
                x += widths[c];
            }
        }

        private void ColumnLines(XGraphics gfx, double y)
        {
            var x = left;
            for (var c = 0; c < widths.Length - 1; c++)
            {
                x += widths[c];
                gfx.DrawLine(Rule, x, y, x, y + rowHeight);
            }
        }

        private void Close(XGraphics gfx, double top, double y) => gfx.DrawRectangle(Frame, left, top, width, y - top);
    }

    private static PdfPage NewPage(PdfDocument document, out XGraphics gfx)
    {
        var page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        gfx = XGraphics.FromPdfPage(page);
        return page;
    }

    /// <summary>
    /// Breaks text into lines no wider than <paramref name="width"/>: at spaces, and between any two Chinese characters
    /// (Chinese has no spaces between words), never before Chinese closing punctuation.
    /// </summary>
    private static IEnumerable<string> Wrap(XGraphics gfx, string text, XFont font, double width)
    {
        var units = new List<(string Text, bool Space)>();
        var word = new StringBuilder();
        var space = false;
        void Flush()
        {
            if (word.Length > 0)
            {
                units.Add((word.ToString(), space));
                word.Clear();
                space = false;
            }
        }

        foreach (var ch in text)
        {
            if (ch == ' ')
            {
                Flush();
                space = true;
            }
            else if (IsClosingPunctuation(ch) && word.Length > 0)
            {
                word.Append(ch);
            }
            else if (IsClosingPunctuation(ch) && units.Count > 0 && !space)
            {
                units[^1] = (units[^1].Text + ch, units[^1].Space);
            }
            else if (IsCjk(ch))
            {
                Flush();
                units.Add((ch.ToString(), space));
                space = false;
            }
            else
            {
                word.Append(ch);
            }
        }

        Flush();
        var line = new StringBuilder();
        foreach (var (unit, before) in units)
        {
            var candidate = line.Length == 0 ? unit : line + (before ? " " : "") + unit;
            if (line.Length > 0 && gfx.MeasureString(candidate, font).Width > width)
            {
                yield return line.ToString();
                line.Clear().Append(unit);
            }
            else
            {
                line.Clear().Append(candidate);
            }
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private static bool IsCjk(char ch) => ch is (>= '\u2E80' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF') or (>= '\uFF00' and <= '\uFFEF');

    private static bool IsClosingPunctuation(char ch) => ch is '，' or '。' or '；' or '：' or '）' or '、' or '！' or '？' or '」' or '》';
}
