using JwtIssuer.Server.Layout;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Forms;

/// <summary>
/// Every form post the framework's antiforgery check refuses (Razor Pages check every POST) gets the same answer, with a
/// message that says why in the form's wording and a 4xx status: a page with a form of its own
/// (<see cref="FormPageModel"/>) shows it again, as its GET shows it; any other page (a button that posts elsewhere)
/// answers with that message as an error page. One filter for every form, reacting to
/// <see cref="IAntiforgeryValidationFailedResult"/> as ASP.NET Core documents; no page checks the token by hand.
/// </summary>
internal sealed class RejectedFormFilter : IAsyncAlwaysRunResultFilter
{
    private const string Title = "This form cannot be used";

    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            var http = context.HttpContext;
            var wording = http.GetEndpoint()?.Metadata.GetMetadata<FormWordingAttribute>() ?? FormWordingAttribute.Default;
            var rejection = await DescribeAsync(http, wording);
            // A rejection already on the request means the page refused its own GET: never run it again.
            var showsItsForm = http.Features.Get<FormRejection>() is null
                && context.ActionDescriptor is CompiledPageActionDescriptor { ModelTypeInfo: { } model }
                && typeof(FormPageModel).IsAssignableFrom(model);
            context.Result = showsItsForm
                ? new ShowFormAgainResult(rejection)
                : new ErrorActionResult(rejection.StatusCode, Title, rejection.Message);
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
        catch (BadHttpRequestException ex)
        {
            return new FormRejection(ex.StatusCode, wording.Unreadable, FormUnreadable: true);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or OperationCanceledException)
        {
            // A malformed form, or a client that went away while sending it.
            return new FormRejection(StatusCodes.Status400BadRequest, wording.Unreadable, FormUnreadable: true);
        }

        // With the antiforgery cookie present, the token is what is missing or wrong: a stale or forged form.
        var cookie = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name!;
        return new FormRejection(StatusCodes.Status400BadRequest, request.Cookies.ContainsKey(cookie) ? wording.Expired : wording.CookiesMissing, FormUnreadable: false);
    }

    /// <summary>
    /// Runs the page again as its plain GET would (never another handler a route value or the query names), with the
    /// rejection on the request: the form with its message, a fresh antiforgery token, and what the form carried (a
    /// ReturnUrl) unless it could not be read. The request is put back as it came afterwards, for whatever logs it.
    /// </summary>
    private sealed class ShowFormAgainResult(FormRejection rejection) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var http = context.HttpContext;
            var request = http.Request;
            var page = http.GetEndpoint()?.RequestDelegate ?? throw new InvalidOperationException("A rejected form post outside a page endpoint.");
            var (method, query) = (request.Method, request.QueryString);

            http.Features.Set(rejection);
            if (rejection.FormUnreadable)
            {
                request.Form = FormCollection.Empty;
            }

            request.RouteValues.Remove("handler");
            request.QueryString = QueryString.Create(QueryHelpers.ParseQuery(query.Value)
                .Where(parameter => !parameter.Key.Equals("handler", StringComparison.OrdinalIgnoreCase)));
            request.Method = HttpMethods.Get;
            http.Response.StatusCode = rejection.StatusCode;
            try
            {
                await page(http);
            }
            finally
            {
                request.Method = method;
                request.QueryString = query;
            }
        }
    }
}
