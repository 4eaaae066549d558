using System.Runtime.CompilerServices;

namespace Stroma.Cli.Tests;

/// <summary>
/// Golden files for what people read: compares text with <c>Golden/NAME.approved.EXT</c> beside this file.
/// On a mismatch (or a missing approved file) it writes <c>NAME.received.EXT</c> next to it and fails;
/// review the received file and rename it to approve. Line endings are normalised to \n.
/// </summary>
internal static class Golden
{
    public static void Verify(string actual, string name, string extension = "txt", [CallerFilePath] string callerFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(callerFile)!, "Golden");
        var approved = Path.Combine(folder, $"{name}.approved.{extension}");
        var received = Path.Combine(folder, $"{name}.received.{extension}");
        var normalised = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (File.Exists(approved) && File.ReadAllText(approved).Replace("\r\n", "\n", StringComparison.Ordinal) == normalised)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(folder);
        File.WriteAllText(received, normalised);
        Assert.Fail($"Golden file mismatch for '{name}': compare {received} with {approved}; rename it to approve.");
    }
}
