using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace JwtIssuer.Endpoints;

/// <summary>An error answer: a small HTML page for a browser, <c>application/problem+json</c> for anything else.</summary>
/// <param name="statusCode">The HTTP status.</param>
/// <param name="title">The page heading and problem title.</param>
/// <param name="detail">What went wrong, in a sentence a user can act on.</param>
public sealed class ErrorResult(int statusCode, string title, string detail) : IResult, IStatusCodeHttpResult
{
    /// <inheritdoc />
    public int? StatusCode => statusCode;

    /// <summary>The page heading and problem title.</summary>
    public string Title => title;

    /// <summary>What went wrong, in a sentence a user can act on.</summary>
    public string Detail => detail;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var headers = httpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";

        if (!WantsHtml(httpContext.Request))
        {
            return TypedResults.Problem(detail: detail, statusCode: statusCode, title: title).ExecuteAsync(httpContext);
        }

        // The page needs nothing but its inline style; everything else is refused.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
        return TypedResults.Content(Html(title, detail), "text/html; charset=utf-8", statusCode: statusCode).ExecuteAsync(httpContext);
    }

    private static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

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
