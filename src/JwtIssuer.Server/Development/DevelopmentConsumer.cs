using System.Text.Encodings.Web;
using JwtIssuer.Endpoints;
using JwtIssuer.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JwtIssuer.Server.Development;

/// <summary>
/// Development only, so the quickstart can be watched end to end: <c>GET /dev/console</c> stands in for Comm100's
/// agent console (what <c>/console</c> frames in Development): it sends its frame to <c>/api/jwt</c>, as Comm100
/// does. <c>GET /dev/consumer</c> stands in for Comm100's consumer URL: it verifies the token as
/// <c>jwt-issuer token verify</c> does and shows its header and claims.
/// </summary>
internal static class DevelopmentConsumer
{
    public static IEndpointRouteBuilder MapDevelopmentConsumer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dev/consumer", ShowAsync).ExcludeFromDescription();
        endpoints.MapGet("/dev/console", (HttpRequest request) =>
        {
            var consumer = $"{request.Scheme}://{request.Host}/dev/consumer?relayState=dev-console";
            return TypedResults.Redirect($"{JwtEndpoint.Route}?redirect_url={Uri.EscapeDataString(consumer)}");
        }).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<ContentHttpResult> ShowAsync(string? jwt, string? relayState, TokenVerifier verifier)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            return Page("No token", "<p>Open <code>/api/jwt?redirect_url=http%3A%2F%2Flocalhost%3A5080%2Fdev%2Fconsumer%3FrelayState%3Ddemo</code> to get one.</p>");
        }

        var result = await verifier.VerifyAsync(jwt);
        var encoder = HtmlEncoder.Default;
        return Page(result.IsValid ? "Token verified" : "Token rejected", $"""
            <p>{encoder.Encode(result.Reason)}</p>
            <p>relayState: <code>{encoder.Encode(relayState ?? "(none)")}</code></p>
            <h2>Header</h2><pre>{encoder.Encode(result.Header ?? "")}</pre>
            <h2>Claims</h2><pre>{encoder.Encode(result.Payload ?? "")}</pre>
            """);
    }

    private static ContentHttpResult Page(string title, string body) => TypedResults.Content($"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{HtmlEncoder.Default.Encode(title)}</title>
        <link rel="stylesheet" href="/site.css"></head>
        <body><main><h1>{HtmlEncoder.Default.Encode(title)}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8");
}
