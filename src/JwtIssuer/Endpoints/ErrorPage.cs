using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace JwtIssuer.Endpoints;

/// <summary>
/// How an <see cref="ErrorResult"/> looks in a browser. The library's own is a small page that stands alone; a host
/// with a layout of its own (the server) registers one that shows the error in it.
/// </summary>
internal abstract class ErrorPage
{
    /// <summary>Writes the whole response: status, headers and an HTML page with <paramref name="title"/> and <paramref name="detail"/>.</summary>
    public abstract Task WriteAsync(HttpContext context, int statusCode, string title, string detail);
}

/// <summary>The library's page: no layout, no assets, nothing but its inline style.</summary>
internal sealed class StandaloneErrorPage : ErrorPage
{
    public override Task WriteAsync(HttpContext context, int statusCode, string title, string detail)
    {
        // The page needs nothing but its inline style; everything else is refused.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
        return TypedResults.Content(Html(title, detail), "text/html; charset=utf-8", statusCode: statusCode).ExecuteAsync(context);
    }

    private static string Html(string title, string detail)
    {
        var encoder = HtmlEncoder.Default;
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{encoder.Encode(title)}}</title>
            <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}h1{font-size:1.4rem}</style>
            </head>
            <body>
            <main>
            <h1>{{encoder.Encode(title)}}</h1>
            <p>{{encoder.Encode(detail)}}</p>
            </main>
            </body>
            </html>
            """;
    }
}
