using Microsoft.Data.Sqlite;
using Npgsql;
using Stroma.Clinical.Issues;

namespace Stroma.Data.Storage;

/// <summary>
/// Recognises "no space left" failures (issue #21): a full file system under the SQLite registry (SQLITE_FULL, error 13),
/// a PostgreSQL server out of disk (SQLSTATE 53100 disk_full), or a file write that failed with ENOSPC / EDQUOT (.NET
/// puts the errno in <see cref="Exception.HResult"/> on Unix; ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows).
/// Callers turn it into a clear <see cref="IssueCodes.DiskFull"/> error instead of a stack trace.
/// </summary>
public static class DiskFull
{
    private const int SqliteFull = 13;
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>Whether <paramref name="exception"/> or one of its inner exceptions says the disk is full.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when sqlite.SqliteErrorCode == SqliteFull:
                case PostgresException postgres when postgres.SqlState == PostgresErrorCodes.DiskFull:
                case IOException io when io.HResult is Enospc or Edquot or WindowsDiskFull or WindowsHandleDiskFull:
                    return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(Is))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The error to show: what failed, where, and that nothing was kept.</summary>
    public static Issue Issue(string what, string where) =>
        Stroma.Clinical.Issues.Issue.Error(IssueCodes.DiskFull, "",
            $"{what} failed: no space left on the disk holding {where}. Nothing was stored or kept; free space and run it again.");
}
