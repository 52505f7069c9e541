using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace JwtIssuer.Endpoints;

/// <summary>An error answer: an HTML page for a browser (see <see cref="ErrorPage"/>), <c>application/problem+json</c> for anything else.</summary>
/// <param name="statusCode">The HTTP status.</param>
/// <param name="title">The page heading and problem title.</param>
/// <param name="detail">What went wrong, in a sentence a user can act on.</param>
internal sealed class ErrorResult(int statusCode, string title, string detail) : IResult, IStatusCodeHttpResult
{
    private static readonly StandaloneErrorPage Standalone = new();

    /// <inheritdoc />
    public int? StatusCode => statusCode;

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

        var page = httpContext.RequestServices.GetService<ErrorPage>() ?? Standalone;
        return page.WriteAsync(httpContext, statusCode, title, detail);
    }

    private static bool WantsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
