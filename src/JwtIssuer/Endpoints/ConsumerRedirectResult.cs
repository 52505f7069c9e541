using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace JwtIssuer.Endpoints;

/// <summary>
/// The 302 that carries the token to the consumer. Not <c>TypedResults.Redirect</c>: that logs
/// "redirecting to {url}", and the URL holds a live credential.
/// </summary>
internal sealed class ConsumerRedirectResult(string location) : IResult, IStatusCodeHttpResult
{
    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status302Found;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status302Found;
        response.Headers.Location = location;
        // The token must not be cached, nor leak through a Referer header to anything the consumer page loads.
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers["Referrer-Policy"] = "no-referrer";
        return Task.CompletedTask;
    }
}
