using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace Stroma.Data;

/// <summary>
/// EF Core's retrying execution strategy for PostgreSQL (what <c>EnableRetryOnFailure</c> installs), with one change:
/// inside a transaction the caller manages it neither throws nor retries. A statement that fails on a transient error
/// (the server restarting, a connection dropped) outside any transaction is run again, up to
/// <see cref="MaxRetries"/> times with an exponential delay of at most <see cref="MaxDelay"/>; so a page read while the
/// server comes back succeeds. Inside a transaction the failure surfaces at once and the transaction is rolled back, so
/// nothing half-written remains.
/// </summary>
/// <remarks>
/// Why not EF's stock behaviour (throw on a user transaction unless the whole unit runs in
/// <c>CreateExecutionStrategy().ExecuteAsync</c>): every transaction in Stroma has side effects a retry cannot repeat.
/// Each audited <c>SaveChanges</c> begins one in its interceptor to take the audit-chain lock (AuditAppendLock), after
/// the entries were added to the change tracker; a lab import reads a stream and writes a rejects file; a backup
/// writes a zip; a restore reads one; the demo registry draws from a seeded random generator. Re-running any of these
/// after a half-done attempt would duplicate output or audit entries. They fail cleanly instead, and the user (or the
/// command's caller) tries again once the registry is back.
/// </remarks>
internal sealed class RegistryRetryingExecutionStrategy(ExecutionStrategyDependencies dependencies)
    : NpgsqlRetryingExecutionStrategy(dependencies, MaxRetries, MaxDelay, errorCodesToAdd: null)
{
    /// <summary>Retries of one statement outside a transaction: a page waits about three seconds at most for the server.</summary>
    public const int MaxRetries = 3;

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    private bool InCallerTransaction => Dependencies.CurrentContext.Context.Database.CurrentTransaction is not null;

    protected override void OnFirstExecution()
    {
        if (InCallerTransaction)
        {
            ExceptionsEncountered.Clear();
            return;
        }

        base.OnFirstExecution();
    }

    protected override bool ShouldRetryOn(Exception? exception) => !InCallerTransaction && base.ShouldRetryOn(exception);
}
