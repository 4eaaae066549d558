// Source: RFC 4180 (CSV: a header row names each field; fields containing quotes must be enclosed in double quotes,
// and a double quote inside a field is escaped by another double quote) and src/Stroma.Cli/Io/InputRecord.cs
// (1-based line numbers; bad rows are refused with INP007, never guessed at).
using Stroma.Cli.Io;
using Stroma.Clinical.Issues;

namespace Stroma.Cli.Tests.Io;

public class CsvRecordReaderTests
{
    private static List<InputRecord> Read(string csv) => CsvRecordReader.Read(new StringReader(csv)).ToList();

    [Fact]
    public void Read_HeaderRepeatsAColumn_EveryRowIsRefused()
    {
        // "seizure" twice: the second cell must not silently overwrite the first (true would become false: 8 points lost).
        var records = Read("id,seizure,seizure\np1,true,false\n");

        var record = Assert.Single(records);
        Assert.Null(record.Items);
        Assert.Equal(2, record.Line);
        Assert.Equal(IssueCodes.MalformedRecord, record.Problem!.Code);
        Assert.Contains("'seizure'", record.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_HeaderRepeatsAColumn_IsInvalidInputNotAScoreOfZero()
    {
        var outcome = CliRunner.Run("id,seizure,seizure\np1,true,false\n", "score", "sledai2k", "--format", "csv");

        Assert.Equal(ExitCodes.InvalidInput, outcome.ExitCode);
        Assert.Contains("line 2: error INP007", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id,fever\np1,\"tr\"ue\n")]
    [InlineData("id,pga\np1,\"1\".5\n")]
    [InlineData("id,fever\np1,tr\"ue\n")]
    [InlineData("id,\"fev\"er\np1,true\n")]
    public void Read_FieldWithAStrayQuote_IsRefusedNotRepaired(string csv)
    {
        // RFC 4180: "tr"ue is not a valid field; CsvHelper would otherwise hand back true (or 1.5) without a word.
        var record = Assert.Single(Read(csv));

        Assert.Null(record.Items);
        Assert.Equal(2, record.Line);
        Assert.Equal(IssueCodes.MalformedRecord, record.Problem!.Code);
    }

    [Fact]
    public void Read_StrayQuoteInOneRow_OtherRowsStillRead()
    {
        var records = Read("id,fever\np1,\"tr\"ue\np2,true\n");

        Assert.Equal(2, records.Count);
        Assert.Null(records[0].Items);
        Assert.Equal("p2", records[1].Id);
        Assert.Equal(3, records[1].Line);
    }

    [Theory]
    [InlineData("id,lab_confirmed,fever\n\"p\n1\",,maybe\np2,,x\n", 4)]
    [InlineData("id,lab_confirmed,fever\r\n\"p\r\n1\",,maybe\r\n\r\np2,,x\r\n", 5)]
    public void Read_RecordSpanningTwoLines_IsNumberedByTheLineItStartsOn(string csv, int nextRecordLine)
    {
        // InputRecord.Line is the line in the file; a quoted line break must not shift it to the record's last line.
        var records = Read(csv);

        Assert.Equal(2, records.Count);
        Assert.Equal(2, records[0].Line);
        Assert.Equal("p2", records[1].Id);
        Assert.Equal(nextRecordLine, records[1].Line);
    }
}
