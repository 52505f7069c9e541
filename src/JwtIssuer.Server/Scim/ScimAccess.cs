using System.Net;
using System.Threading.RateLimiting;
using JwtIssuer.Server.Data;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Scim;

/// <summary>
/// Stands before every SCIM route. While no token exists, nothing under <c>/scim/v2</c> answers but a bare 404, as if
/// SCIM were not there. Otherwise a request without a valid bearer token gets a 401 SCIM error, and a client address
/// that has sent <see cref="FailuresPerMinute"/> of those in a minute gets 429s; a valid token may make
/// <c>Scim:RequestsPerMinute</c> requests a minute. Strangers cannot use up the identity provider's allowance, even
/// from the same address (Entra ID's provisioning addresses are shared by every tenant). A request that passes carries
/// its token's name, the actor of its changes (<see cref="ActorOf"/>); a <see cref="ScimException"/> thrown below
/// becomes its SCIM error, and a database that does not answer a SCIM 503.
/// </summary>
internal sealed partial class ScimAccess(IOptions<ScimOptions> options, ILogger<ScimAccess> logger) : IEndpointFilter, IDisposable
{
    /// <summary>Requests without a valid token one client address may make a minute.</summary>
    public const int FailuresPerMinute = 20;

    private const string ActorKey = "JwtIssuer.Scim.Actor";

    private readonly PartitionedRateLimiter<string> _perToken = PartitionedRateLimiter.Create<string, string>(name =>
        RateLimitPartition.GetFixedWindowLimiter(name, _ => PerMinute(options.Value.RequestsPerMinute)));

    private readonly PartitionedRateLimiter<IPAddress> _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => PerMinute(FailuresPerMinute)));

    private static FixedWindowRateLimiterOptions PerMinute(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    /// <summary>Who makes the changes of this request: <c>scim (NAME)</c>, NAME being the token's.</summary>
    public static string ActorOf(HttpContext context) =>
        context.Items[ActorKey] as string ?? throw new InvalidOperationException("A SCIM handler ran without ScimAccess.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        try
        {
            var (name, anyExists) = await context.RequestServices.GetRequiredService<ScimTokens>().AuthenticateAsync(BearerToken(context.Request), context.RequestAborted);
            if (!anyExists)
            {
                return Results.NotFound();
            }

            if (name is null)
            {
                using var failure = _failures.AttemptAcquire(ClientOf(context.Connection.RemoteIpAddress));
                if (!failure.IsAcquired)
                {
                    return TooMany(context, $"More than {FailuresPerMinute} requests a minute without a valid token from this address; retry in a minute.");
                }

                LogRefused(logger, context.Connection.RemoteIpAddress, context.Request.Method, context.Request.Path);
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"scim\"";
                return ScimJson.Error(StatusCodes.Status401Unauthorized, null, "A valid bearer token is required (jwt-issuer scim token create NAME).");
            }

            using var lease = _perToken.AttemptAcquire(name);
            if (!lease.IsAcquired)
            {
                return TooMany(context, $"More than {options.Value.RequestsPerMinute} requests a minute with this token (Scim:RequestsPerMinute); retry in a minute.");
            }

            context.Items[ActorKey] = $"scim ({name})";
            return await next(invocation);
        }
        catch (ScimException ex)
        {
            return ScimJson.Error(ex);
        }
        catch (Exception ex) when (DatabaseUnavailableHandler.IsDatabaseUnavailable(ex))
        {
            // The identity provider retries a 503; it is told in its own format. (A change made before the audit trail
            // failed stays made, as everywhere: the retry finds it.)
            LogUnavailable(logger, ex);
            context.Response.Headers.RetryAfter = DatabaseUnavailableHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ScimJson.Error(StatusCodes.Status503ServiceUnavailable, null, "The database is unavailable; retry later.");
        }
    }

    /// <summary>The value of <c>Authorization: Bearer VALUE</c> (the scheme in any case), or null.</summary>
    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return value["Bearer ".Length..].Trim();
    }

    /// <summary>The client as the failure limit counts it: an IPv4 address, or an IPv6 /64 (one subscriber's whole prefix).</summary>
    private static IPAddress ClientOf(IPAddress? address)
    {
        if (address is null)
        {
            return IPAddress.None;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private static IResult TooMany(HttpContext context, string detail)
    {
        context.Response.Headers.RetryAfter = "60";
        return ScimJson.Error(StatusCodes.Status429TooManyRequests, null, detail);
    }

    public void Dispose()
    {
        _perToken.Dispose();
        _failures.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SCIM request answered 503: the database is unavailable")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SCIM request refused: no valid bearer token from {Address} ({Method} {Path})")]
    private static partial void LogRefused(ILogger logger, IPAddress? address, string method, PathString path);
}
