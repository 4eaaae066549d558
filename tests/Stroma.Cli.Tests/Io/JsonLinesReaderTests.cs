// Source: RFC 8259 §4 ("The names within an object SHOULD be unique"; with duplicates, behaviour is unpredictable) and
// src/Stroma.Cli/Io/JsonLinesReader.cs, which refuses a repeated key rather than keep one of the values silently.
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;

namespace Stroma.Cli.Tests.Io;

public class JsonLinesReaderTests
{
    private static List<InputRecord> Read(string jsonl) => JsonLinesReader.Read(new StringReader(jsonl)).ToList();

    [Fact]
    public void Read_IdRepeated_IsRefusedNotLastWins()
    {
        // Two ids on one line: which record is this? Keeping "b" silently could attach the score to the wrong patient.
        var record = Assert.Single(Read("{\"id\":\"a\",\"id\":\"b\",\"fever\":true}\n"));

        Assert.Null(record.Items);
        Assert.Equal(1, record.Line);
        Assert.Equal(IssueCodes.MalformedRecord, record.Problem!.Code);
        Assert.Contains("'id'", record.Problem.Message, StringComparison.Ordinal);
    }
}
