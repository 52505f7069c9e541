using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Scim;

/// <summary>
/// Stands before every SCIM route. While no token exists, nothing under <c>/scim/v2</c> answers but a bare 404, as if
/// SCIM were not there. Otherwise each client address gets <c>Scim:RequestsPerMinute</c> requests a minute (then 429),
/// and a request without a valid bearer token gets a 401 SCIM error. A request that passes carries its token's name,
/// the actor of its changes (<see cref="ActorOf"/>); a <see cref="ScimException"/> thrown below becomes its SCIM error.
/// </summary>
internal sealed partial class ScimAccess(IOptions<ScimOptions> options, ILogger<ScimAccess> logger) : IEndpointFilter, IDisposable
{
    private const string ActorKey = "JwtIssuer.Scim.Actor";

    private readonly PartitionedRateLimiter<IPAddress> _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Who makes the changes of this request: <c>scim (NAME)</c>, NAME being the token's.</summary>
    public static string ActorOf(HttpContext context) =>
        context.Items[ActorKey] as string ?? throw new InvalidOperationException("A SCIM handler ran without ScimAccess.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var tokens = context.RequestServices.GetRequiredService<ScimTokens>();
        using var lease = _limiter.AttemptAcquire(context.Connection.RemoteIpAddress ?? IPAddress.None);
        if (!lease.IsAcquired)
        {
            if (!await tokens.AnyAsync(context.RequestAborted))
            {
                return Results.NotFound();
            }

            context.Response.Headers.RetryAfter = "60";
            return ScimJson.Error(StatusCodes.Status429TooManyRequests, null, $"More than {options.Value.RequestsPerMinute} requests a minute from this address; retry in a minute.");
        }

        var (name, anyExists) = await tokens.AuthenticateAsync(BearerToken(context.Request), context.RequestAborted);
        if (!anyExists)
        {
            return Results.NotFound();
        }

        if (name is null)
        {
            LogRefused(logger, context.Connection.RemoteIpAddress, context.Request.Method, context.Request.Path);
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"scim\"";
            return ScimJson.Error(StatusCodes.Status401Unauthorized, null, "A valid bearer token is required (jwt-issuer scim token create NAME).");
        }

        context.Items[ActorKey] = $"scim ({name})";
        try
        {
            return await next(invocation);
        }
        catch (ScimException ex)
        {
            return ScimJson.Error(ex);
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

    public void Dispose() => _limiter.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "SCIM request refused: no valid bearer token from {Address} ({Method} {Path})")]
    private static partial void LogRefused(ILogger logger, IPAddress? address, string method, PathString path);
}
