namespace Stroma.Web.Tests;

/// <summary>Finds the repository root (the folder holding Stroma.slnx) from the test's output folder.</summary>
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
