using System.Text.RegularExpressions;
using Shouldly;
using Spectre.Console.Cli;
using Stroma.Cli.Injection;
using Stroma.Cli.Io;

namespace Stroma.Cli.Tests;

/// <summary>The command tree as a whole: every command is built through the type registrar and answers <c>--help</c>.</summary>
public partial class CommandTreeTests
{
    private static readonly Type[] CommandTypes =
        [.. typeof(StromaCli).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsClass: true } && typeof(ICommand).IsAssignableFrom(t)).OrderBy(t => t.Name)];

    /// <summary>Every leaf command's path (e.g. "stats km"), found by walking the COMMANDS sections of the help output.</summary>
    public static TheoryData<string> CommandPaths()
    {
        var data = new TheoryData<string>();
        foreach (var path in Leaves([]))
        {
            data.Add(string.Join(' ', path));
        }

        return data;
    }

    [Fact]
    public void Resolve_EveryCommandType_IsBuiltWithItsServicesThroughTheRegistrar()
    {
        CommandTypes.ShouldNotBeEmpty();
        using var input = new StringReader("");
        var io = new CliIo(input, TextWriter.Null, TextWriter.Null, IsTerminal: false);
        foreach (var type in CommandTypes)
        {
            var registrar = new TypeRegistrar(StromaCli.Services(io, TimeProvider.System));
            registrar.Register(type, type);
            var resolver = registrar.Build();
            try
            {
                resolver.Resolve(type).ShouldBeOfType(type, $"{type.Name} could not be built from the registered services");
            }
            finally
            {
                ((IDisposable)resolver).Dispose();
            }
        }
    }

    [Fact]
    public void Help_CommandTree_ReachesEveryCommandType()
    {
        var leaves = Leaves([]).ToList();

        leaves.Count.ShouldBe(CommandTypes.Length, $"leaves: {string.Join(", ", leaves.Select(l => string.Join(' ', l)))}; types: {string.Join(", ", CommandTypes.Select(t => t.Name))}");
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public void Help_EveryCommand_PrintsUsageAndExitsZero(string path)
    {
        var outcome = CliRunner.Run("", [.. path.Split(' '), "--help"]);

        outcome.ShouldSatisfyAllConditions(
            () => outcome.ExitCode.ShouldBe(ExitCodes.Ok, outcome.Error),
            () => outcome.Error.ShouldBeEmpty(),
            () => outcome.Out.ShouldContain("USAGE:"),
            () => outcome.Out.ShouldContain($"stroma {path}"));
    }

    private static IEnumerable<string[]> Leaves(string[] path)
    {
        // A failing --help is reported by Help_EveryCommand_PrintsUsageAndExitsZero; here it is only a leaf.
        var help = CliRunner.Run("", [.. path, "--help"]);
        var commands = help.Out.Split("COMMANDS:", 2) is [_, var section]
            ? CommandName().Matches(section).Select(m => m.Groups[1].Value).ToList()
            : [];
        if (commands.Count == 0)
        {
            yield return path;
            yield break;
        }

        foreach (var name in commands)
        {
            foreach (var leaf in Leaves([.. path, name]))
            {
                yield return leaf;
            }
        }
    }

    [GeneratedRegex(@"^    ([a-z][a-z0-9-]*)", RegexOptions.Multiline)]
    private static partial Regex CommandName();
}
