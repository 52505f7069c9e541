using JwtIssuer.Endpoints;
using JwtIssuer.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace JwtIssuer.Server.Layout;

/// <summary>
/// Error pages in the site's own layout, like every other page: the library's errors (a bad sign-in link, access
/// denied), the database outage page, a failed provider sign-in. Renders <c>_ErrorPage.cshtml</c> as a view, so it
/// works wherever the error arises, inside an endpoint, a filter or the exception handler.
/// </summary>
internal sealed class LayoutErrorPage(IModelMetadataProvider metadata) : ErrorPage
{
    public const string ViewPath = "/Layout/_ErrorPage.cshtml";

    public override Task WriteAsync(HttpContext context, int statusCode, string title, string detail)
    {
        SecurityHeadersSetup.UseErrorPagePolicy(context);
        var view = new ViewResult
        {
            ViewName = ViewPath,
            StatusCode = statusCode,
            ViewData = new ViewDataDictionary<ErrorPageModel>(metadata, new ModelStateDictionary()) { Model = new ErrorPageModel(title, detail) },
        };
        return view.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }
}

/// <summary>What an error page shows: a heading and one sentence the reader can act on.</summary>
public sealed record ErrorPageModel(string Title, string Detail);
