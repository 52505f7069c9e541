using JwtIssuer.Endpoints;
using Microsoft.AspNetCore.Mvc;

namespace JwtIssuer.Server.Layout;

/// <summary>An error page (the library's error answer, in the site's layout) where MVC wants an action result: a filter's answer.</summary>
internal sealed class ErrorActionResult(int statusCode, string title, string detail) : IActionResult
{
    public Task ExecuteResultAsync(ActionContext context) =>
        new ErrorResult(statusCode, title, detail).ExecuteAsync(context.HttpContext);
}
