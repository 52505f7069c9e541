using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Security;

/// <summary>
/// The rate limit on password checks: per client address, then per account name, with the built-in
/// fixed-window limiters of System.Threading.RateLimiting. It runs inside the login handler rather than as
/// rate-limiting middleware because the account name is in the form body, which the middleware's synchronous
/// partitioner cannot read; and it runs before the password hash, so a refused attempt costs no PBKDF2 time.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<SignInAttempt> _limiter;
    private readonly TimeSpan _longestWindow;

    public SignInThrottle(IOptions<SignInLimitOptions> options)
    {
        var limits = options.Value;
        _longestWindow = limits.PerAddress.Window > limits.PerAccount.Window ? limits.PerAddress.Window : limits.PerAccount.Window;
        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<SignInAttempt, string>(attempt =>
                RateLimitPartition.GetFixedWindowLimiter(attempt.Address, _ => Options(limits.PerAddress))),
            PartitionedRateLimiter.Create<SignInAttempt, string>(attempt =>
                RateLimitPartition.GetFixedWindowLimiter(attempt.Account, _ => Options(limits.PerAccount))));
    }

    /// <summary>
    /// Takes one attempt from both limits; false when either is spent, with the window's length to wait (the
    /// fixed-window limiter does not say how much of it is left, so this is an upper bound).
    /// </summary>
    /// <param name="client">The client's address.</param>
    /// <param name="normalizedAccount">
    /// The account name as Identity looks it up (<c>ILookupNormalizer.NormalizeEmail</c>), so no other spelling of
    /// an address (case, Unicode form) gets a bucket of its own.
    /// </param>
    /// <param name="retryAfter">How long to wait when refused.</param>
    public bool TryAcquire(IPAddress? client, string normalizedAccount, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(new SignInAttempt(AddressKey(client), normalizedAccount));
        retryAfter = lease.IsAcquired ? TimeSpan.Zero
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait
            : _longestWindow;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();

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

    private static FixedWindowRateLimiterOptions Options(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = limit.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private readonly record struct SignInAttempt(string Address, string Account);
}
