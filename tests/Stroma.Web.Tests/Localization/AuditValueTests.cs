// Source: issue #19 "the audit viewer shows values readably (no \u0022)": a stored JSON snapshot is shown as
// "Field: value" pairs in words, nested objects (a batch import's ledger digest) and arrays included.
using Stroma.Web.Localization;

namespace Stroma.Web.Tests.Localization;

public sealed class AuditValueTests
{
    [Theory]
    [InlineData("{\"Analyte\":\"creatinine\",\"Flag\":\"CriticalHigh\",\"Note\":null}", "Analyte: creatinine; Flag: Critical high; Note: —")]
    [InlineData("{\"Source\":\"stroma demo\",\"Rows\":5,\"Ledger\":{\"CreatedAt\":\"2024-01-01\",\"Count\":5}}",
        "Source: stroma demo; Rows: 5; Ledger: (Created at: 2024-01-01; Count: 5)")]
    [InlineData("{\"Sites\":[\"S1\",\"S2\"]}", "Sites: [S1, S2]")]
    [InlineData("\"say \\u0022hello\\u0022\"", "say \"hello\"")]
    [InlineData("plain text", "plain text")]
    [InlineData("{not json", "{not json")]
    public void AuditValue_StoredText_ReadableWithoutJsonSyntaxOrKeys(string stored, string shown) =>
        Words.AuditValue(stored).ShouldBe(shown);
}
