using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Forms;

/// <summary>
/// Every form post the framework's antiforgery check refuses (Razor Pages check every POST) gets the same answer: the
/// page again, as its GET shows it, with a message that says why in the form's wording, and a 4xx status. One filter
/// for every form, reacting to <see cref="IAntiforgeryValidationFailedResult"/>, as ASP.NET Core documents; no page
/// checks the token by hand.
/// </summary>
internal sealed class RejectedFormFilter : IAsyncAlwaysRunResultFilter
{
    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            var http = context.HttpContext;
            var wording = http.GetEndpoint()?.Metadata.GetMetadata<FormWordingAttribute>() ?? FormWordingAttribute.Default;
            context.Result = new ShowFormAgainResult(await DescribeAsync(http, wording));
        }

        await next();
    }

    /// <summary>Why the check failed: not a form at all, a form that cannot be read, no cookie (a framed page), or a stale or forged token.</summary>
    private static async Task<FormRejection> DescribeAsync(HttpContext http, FormWordingAttribute wording)
    {
        var request = http.Request;
        if (!request.HasFormContentType)
        {
            return new FormRejection(StatusCodes.Status415UnsupportedMediaType, wording.NotAForm, FormUnreadable: true);
        }

        try
        {
            // Read (and failed, if it did) once already by the antiforgery check: this is the same outcome again.
            await request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return new FormRejection(StatusCodes.Status400BadRequest, wording.Unreadable, FormUnreadable: true);
        }
        catch (BadHttpRequestException ex)
        {
            return new FormRejection(ex.StatusCode, wording.Unreadable, FormUnreadable: true);
        }

        // With the antiforgery cookie present, the token is what is missing or wrong: a stale or forged form.
        var cookie = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name!;
        return new FormRejection(StatusCodes.Status400BadRequest, request.Cookies.ContainsKey(cookie) ? wording.Expired : wording.CookiesMissing, FormUnreadable: false);
    }

    /// <summary>
    /// Runs the page again as its GET would, with the rejection on the request: the form with its message, a fresh
    /// antiforgery token, and what the form carried (a ReturnUrl) unless it could not be read.
    /// </summary>
    private sealed class ShowFormAgainResult(FormRejection rejection) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            var http = context.HttpContext;
            var page = http.GetEndpoint()?.RequestDelegate ?? throw new InvalidOperationException("A rejected form post outside a page endpoint.");
            http.Features.Set(rejection);
            if (rejection.FormUnreadable)
            {
                http.Request.Form = FormCollection.Empty;
            }

            http.Request.Method = HttpMethods.Get;
            http.Response.StatusCode = rejection.StatusCode;
            return page(http);
        }
    }
}
