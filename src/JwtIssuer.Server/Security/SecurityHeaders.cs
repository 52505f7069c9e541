using JwtIssuer.Server.Sessions;

namespace JwtIssuer.Server.Security;

/// <summary>
/// Headers on every response, set as it starts so they also cover error pages written by the library or the
/// exception handler (which clears headers set earlier): <c>nosniff</c> everywhere; HSTS over HTTPS outside
/// Development; on HTML, a Content-Security-Policy whose <c>frame-ancestors</c> names only ourselves, the
/// consumers and the embedding apps, no referrer, and no caching.
/// </summary>
internal sealed class SecurityHeaders
{
    // Our pages load only their own stylesheet. No form-action: browsers apply it to the redirects after a
    // post too, and the sign-in post ends at the consumer (POST /login, 302 /api/jwt, 302 consumer).
    public const string PagePolicy = "default-src 'self'; object-src 'none'; base-uri 'none'";

    // One year. Not includeSubDomains or preload: which other hosts serve HTTPS is not ours to promise.
    private const string StrictTransportSecurity = "max-age=31536000";

    private readonly RequestDelegate _next;
    private readonly string _frameAncestors;
    private readonly bool _hsts;
    private readonly Func<object, Task> _apply;

    public SecurityHeaders(RequestDelegate next, FrameAncestors frameAncestors, IWebHostEnvironment environment)
    {
        _next = next;
        _frameAncestors = frameAncestors.ContentSecurityPolicy;
        _hsts = !environment.IsDevelopment();
        _apply = Apply;
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(_apply, context);
        return _next(context);
    }

    private Task Apply(object state)
    {
        var context = (HttpContext)state;
        var response = context.Response;
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // As UseHsts does: never for loopback, where a browser would then refuse every plain-http dev server.
        if (_hsts && context.Request.IsHttps && !IsLoopback(context.Request.Host.Host))
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }

        if (response.ContentType is not { } type || !type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return Task.CompletedTask;
        }

        // A page that brought its own policy (the library's error page) keeps it; only the framing rule is added.
        var policy = headers.ContentSecurityPolicy.ToString();
        headers.ContentSecurityPolicy = policy.Length == 0 ? $"{PagePolicy}; {_frameAncestors}"
            : policy.Contains("frame-ancestors", StringComparison.Ordinal) ? policy
            : $"{policy}; {_frameAncestors}";

        // ReturnUrl carries the consumer's relayState; keep it out of Referer headers.
        if (!headers.ContainsKey("Referrer-Policy"))
        {
            headers["Referrer-Policy"] = "no-referrer";
        }

        if (headers.CacheControl.Count == 0)
        {
            headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }

    private static bool IsLoopback(string host) =>
        host is "[::1]" or "127.0.0.1" || host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
}
