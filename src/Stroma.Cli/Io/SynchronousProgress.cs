namespace Stroma.Cli.Io;

/// <summary>
/// Progress reported on the running thread, for a command's progress line on stderr (<see cref="Progress{T}"/> would post
/// to the thread pool and reorder lines).
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
