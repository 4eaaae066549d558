namespace Stroma.Tests;

/// <summary>
/// Finds the repository root (the folder holding Stroma.slnx) from the test's output folder. One file, compiled into
/// each test project that reads repository files (a linked <c>Compile</c> item in its project file).
/// </summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Stroma.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Stroma.slnx not found above " + AppContext.BaseDirectory);
    }
}
