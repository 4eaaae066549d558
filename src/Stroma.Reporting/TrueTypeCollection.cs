using System.Buffers.Binary;

namespace Stroma.Reporting;

/// <summary>
/// Reads the first font of a TrueType collection (<c>.ttc</c>, as Debian's fonts-wqy-zenhei ships) as a standalone
/// TrueType font, the form PDFsharp embeds: the collection header ('ttcf', version, font count, offsets) points at the
/// first font's offset table, whose table records hold offsets from the start of the collection; the tables are copied
/// behind a new offset table with their offsets rewritten (OpenType specification, "Font Collections").
/// </summary>
internal static class TrueTypeCollection
{
    public static byte[] FirstFont(byte[] collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var data = collection.AsSpan();
        if (data.Length < 16 || !data[..4].SequenceEqual("ttcf"u8))
        {
            return collection;
        }

        var fontOffset = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[12..]));
        var tables = BinaryPrimitives.ReadUInt16BigEndian(data[(fontOffset + 4)..]);
        var headerLength = 12 + (16 * tables);
        var records = new List<(int Record, int Offset, int Length)>();
        var size = headerLength;
        for (var i = 0; i < tables; i++)
        {
            var record = fontOffset + 12 + (16 * i);
            var offset = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[(record + 8)..]));
            var length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[(record + 12)..]));
            records.Add((record, offset, length));
            size += (length + 3) & ~3;
        }

        var font = new byte[size];
        data.Slice(fontOffset, headerLength).CopyTo(font);
        var position = headerLength;
        for (var i = 0; i < records.Count; i++)
        {
            var (_, offset, length) = records[i];
            data.Slice(offset, length).CopyTo(font.AsSpan(position));
            BinaryPrimitives.WriteUInt32BigEndian(font.AsSpan(12 + (16 * i) + 8), (uint)position);
            position += (length + 3) & ~3;
        }

        return font;
    }
}
