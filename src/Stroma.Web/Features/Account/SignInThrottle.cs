namespace Stroma.Web.Features.Account;

/// <summary>
/// Lockout: after <see cref="MaxFailures"/> failed sign-ins for a user name, that name is locked for
/// <see cref="LockoutDuration"/>, even with the right password. Counted in memory (the demo account lives only as
/// long as the process); persisted lockout comes with stored accounts.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    private readonly Dictionary<string, (int Failures, DateTimeOffset? LockedUntil)> _state = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public bool IsLockedOut(string userName)
    {
        lock (_gate)
        {
            return _state.TryGetValue(userName, out var s) && s.LockedUntil > clock.GetUtcNow();
        }
    }

    public void Failed(string userName)
    {
        lock (_gate)
        {
            var (failures, _) = _state.GetValueOrDefault(userName);
            failures++;
            _state[userName] = failures >= MaxFailures ? (0, clock.GetUtcNow() + LockoutDuration) : (failures, null);
        }
    }

    public void Succeeded(string userName)
    {
        lock (_gate)
        {
            _state.Remove(userName);
        }
    }
}
