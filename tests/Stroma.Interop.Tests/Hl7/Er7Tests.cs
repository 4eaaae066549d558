// Source: HL7 v2.5.1 Chapter 2 (Control): 2.5.4 message delimiters, 2.7 escape sequences, 2.10.3 batch protocol.
using Shouldly;
using Stroma.Clinical.Issues;
using Stroma.Interop.Hl7;

namespace Stroma.Interop.Tests.Hl7;

public sealed class Er7Tests
{
    private static Hl7Message Read(string text)
    {
        var read = Er7.ReadMessage(text);
        read.Issues.ShouldBeEmpty();
        return read.Message!;
    }

    [Fact]
    public void ReadMessage_DeclaredDelimiters_SplitsFieldsComponentsRepetitionsAndSubcomponents()
    {
        // The same PID written with the customary delimiters |^~\& and with #*!$% declared in MSH-1/MSH-2.
        var customary = Read("MSH|^~\\&|LAB||STROMA||202401150930+0800||ORU^R01|1|P|2.5.1\rPID|||MRN7^^^GHH&1.2.3&ISO^MR~S1-001^^^S1^PI");
        var declared = Read("MSH#*!%$#LAB##STROMA##202401150930+0800##ORU*R01#1#P#2.5.1\rPID###MRN7***GHH$1.2.3$ISO*MR!S1-001***S1*PI");

        foreach (var message in new[] { customary, declared })
        {
            var pid = message.Segments[1];
            pid.Repetitions(3).ShouldBe(2);
            pid.Value(3, 1).ShouldBe("MRN7");
            pid.Value(3, 4, 2).ShouldBe("1.2.3");
            pid.Value(3, 1, 1, 2).ShouldBe("S1-001");
            pid.Value(3, 4, 1, 2).ShouldBe("S1");
            message.MessageType.ShouldBe("ORU^R01");
            message.ControlId.ShouldBe("1");
            message.Version.ShouldBe("2.5.1");
        }

        declared.Delimiters.ShouldBe(new Hl7Delimiters('#', '*', '!', '%', '$'));
    }

    [Fact]
    public void ReadMessage_EscapeSequences_AreUnescapedAfterSplitting()
    {
        var message = Read("MSH|^~\\&|LAB||||202401150930+0800||ORU^R01|1|P|2.5.1\rNTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\next \\H\\bold\\N\\ \\X4E4B\\\\XC2B5\\g");

        message.Segments[1].Value(3).ShouldBe("a|b^c&d~e\\f\nnext bold NKµg");
        message.Segments[1].Repetitions(3).ShouldBe(1);
    }

    [Theory]
    [InlineData("x\\Q\\y", "\\Q\\ is not an escape sequence")]
    [InlineData("never \\F closed", "never closed")]
    [InlineData("\\X4\\", "\\X4\\ is not an escape sequence")]
    [InlineData("\\XC3\\", "is not UTF-8 text")]
    [InlineData("\\Zlocal\\", "\\Zlocal\\ is not an escape sequence")]
    public void ReadMessage_BadEscape_RefusedWithFieldAndReason(string note, string reason)
    {
        var read = Er7.ReadMessage($"MSH|^~\\&|LAB||||202401150930+0800||ORU^R01|1|P|2.5.1\rPID|||S1-001\rNTE|1||{note}");

        read.Message.ShouldBeNull();
        var issue = read.Issues.ShouldHaveSingleItem();
        issue.Code.ShouldBe(IssueCodes.Hl7BadEscape);
        issue.Path.ShouldBe("NTE[3]-3");
        issue.Message.ShouldContain(reason);
        read.ControlId.ShouldBe("1");
    }

    [Theory]
    [InlineData("PID|||S1-001", "does not begin with a message header")]
    [InlineData("MSH|^~", "too short")]
    [InlineData("MSH|^^\\&|LAB", "not five distinct delimiters")]
    [InlineData("MSH|^~\\&|LAB\rpid|||1", "does not begin with a segment id")]
    public void ReadMessage_Malformed_RefusedWithReason(string text, string reason)
    {
        var read = Er7.ReadMessage(text);

        read.Message.ShouldBeNull();
        read.Issues.ShouldContain(i => i.Code == IssueCodes.Hl7Malformed && i.Message.Contains(reason));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void ReadAll_AnySegmentTerminator_ReadsTheSameMessages(string terminator)
    {
        var text = string.Join(terminator, "MSH|^~\\&|LAB||||202401150930+0800||ORU^R01|1|P|2.5.1", "PID|||S1-001", "MSH|^~\\&|LAB||||202401150931+0800||ORU^R01|2|P|2.3", "PID|||S1-002", "");

        var reads = Er7.ReadAll(text, out var envelope);

        envelope.ShouldBeEmpty();
        reads.Select(r => r.Message!.ControlId).ShouldBe(["1", "2"]);
        reads.Select(r => r.Message!.Segments.Count).ShouldBe([2, 2]);
    }

    [Fact]
    public void ReadAll_FileAndBatchEnvelope_UnwrapsMessages()
    {
        var text = string.Join("\r", "FHS|^~\\&|LAB|GHH||||202401151000+0800", "BHS|^~\\&|LAB|GHH||||202401151000+0800",
            "MSH|^~\\&|LAB||||202401150930+0800||ORU^R01|1|P|2.5.1", "PID|||S1-001",
            "MSH|^~\\&|LAB||||202401150931+0800||ORU^R01|2|P|2.5.1", "PID|||S1-002",
            "BTS|2", "FTS|1");

        var reads = Er7.ReadAll(text, out var envelope);

        envelope.ShouldBeEmpty();
        reads.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("BTS|3\rFTS|1", "BTS-1", "counts 3 message(s)")]
    [InlineData("FTS|1", "BTS", "no trailer (BTS)")]
    [InlineData("BTS|2", "FTS", "no trailer (FTS)")]
    public void ReadAll_BrokenEnvelope_FileRefused(string trailer, string path, string reason)
    {
        var text = string.Join("\r", "FHS|^~\\&|LAB", "BHS|^~\\&|LAB",
            "MSH|^~\\&|LAB||||202401150930+0800||ORU^R01|1|P|2.5.1", "PID|||S1-001",
            "MSH|^~\\&|LAB||||202401150931+0800||ORU^R01|2|P|2.5.1", "PID|||S1-002", trailer);

        Er7.ReadAll(text, out var envelope);

        envelope.ShouldContain(i => i.Code == IssueCodes.Hl7SegmentOrder && i.Path == path && i.Message.Contains(reason));
    }

    [Theory]
    [InlineData("202401150730+0800", "2024-01-15T07:30:00+08:00")]
    [InlineData("20240115073012-0500", "2024-01-15T07:30:12-05:00")]
    [InlineData("20240115073012.25+0000", "2024-01-15T07:30:12.25+00:00")]
    public void ToIso_MinuteAndOffset_GivesTheInstant(string hl7, string iso) =>
        Hl7Time.ToIso(hl7, "OBX[3]-14").Iso.ShouldBe(iso);

    [Theory]
    [InlineData("202401150730", "no UTC offset")]
    [InlineData("20240115+0800", "not an HL7 date/time to the minute")]
    [InlineData("202413150730+0800", "not a calendar date")]
    public void ToIso_NoOffsetOrTooCoarse_RefusedWithReason(string hl7, string reason)
    {
        var problem = Hl7Time.ToIso(hl7, "OBR[3]-7").Problem.ShouldNotBeNull();

        problem.Code.ShouldBe(IssueCodes.Hl7FieldValue);
        problem.Path.ShouldBe("OBR[3]-7");
        problem.Message.ShouldContain(reason);
    }
}
