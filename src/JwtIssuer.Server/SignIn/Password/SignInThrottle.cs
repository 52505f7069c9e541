using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.SignIn.Password;

/// <summary>
/// The rate limit on password checks: fixed windows per client address, then per account name. It runs inside the
/// login handler rather than as rate-limiting middleware because the account name is in the form body, which the
/// middleware's synchronous partitioner cannot read; and it runs before the password hash, so a refused attempt costs
/// no PBKDF2 time.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting's <c>FixedWindowRateLimiter</c>: its windows run on <c>Stopwatch</c> and its own
/// timers, with no clock to inject (dotnet/runtime#106447), so it could neither be tested at the exact second nor say
/// how much of a window is left. A fixed window is a start time and a count; this keeps one per key seen in the
/// current window.
/// </remarks>
public sealed class SignInThrottle(IOptions<SignInLimitOptions> options, TimeProvider time)
{
    private readonly FixedWindows _perAddress = new(options.Value.PerAddress);
    private readonly FixedWindows _perAccount = new(options.Value.PerAccount);

    /// <summary>
    /// Counts one attempt against the client's address, then against the account; false when either limit is spent,
    /// with how long until that window ends.
    /// </summary>
    /// <param name="client">The client's address.</param>
    /// <param name="normalizedAccount">
    /// The account name as Identity looks it up (<c>ILookupNormalizer.NormalizeEmail</c>), so no other spelling of
    /// an address (case, Unicode form) gets a window of its own.
    /// </param>
    /// <param name="retryAfter">How long to wait when refused.</param>
    public bool TryAcquire(IPAddress? client, string normalizedAccount, out TimeSpan retryAfter)
    {
        // The monotonic clock: setting the wall clock back or forward neither extends nor ends a window.
        var now = time.GetTimestamp();
        return _perAddress.TryTake(AddressKey(client), now, time, out retryAfter)
            && _perAccount.TryTake(normalizedAccount, now, time, out retryAfter);
    }

    /// <summary>IPv4 as is (also when mapped into IPv6); IPv6 by its /64, which one client usually holds whole.</summary>
    internal static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>At most <see cref="WindowLimit.PermitLimit"/> attempts per key in each window, which starts at the key's first attempt.</summary>
    private sealed class FixedWindows(WindowLimit limit)
    {
        private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
        private long? _lastSweep;

        public bool TryTake(string key, long now, TimeProvider time, out TimeSpan retryAfter)
        {
            // Attempts are few (each allowed one costs a PBKDF2 hash), so one lock is no bottleneck.
            lock (_windows)
            {
                // Ended windows are dropped once per window length, so memory holds only the keys of the current one.
                if (_lastSweep is not { } swept || time.GetElapsedTime(swept, now) >= limit.Window)
                {
                    foreach (var ended in _windows.Where(entry => time.GetElapsedTime(entry.Value.Start, now) >= limit.Window).Select(entry => entry.Key).ToList())
                    {
                        _windows.Remove(ended);
                    }

                    _lastSweep = now;
                }

                var window = _windows.TryGetValue(key, out var current) && time.GetElapsedTime(current.Start, now) < limit.Window ? current : new Window(now, 0);
                if (window.Count >= limit.PermitLimit)
                {
                    retryAfter = limit.Window - time.GetElapsedTime(window.Start, now);
                    return false;
                }

                _windows[key] = window with { Count = window.Count + 1 };
                retryAfter = TimeSpan.Zero;
                return true;
            }
        }

        /// <summary>A window: when it started, as a monotonic timestamp, and how many attempts it has taken.</summary>
        private readonly record struct Window(long Start, int Count);
    }
}
