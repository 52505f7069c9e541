using JwtIssuer.Server.Layout;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Options;

namespace JwtIssuer.Server.Security;

/// <summary>
/// Our pages set Secure cookies (outside local development), which a browser on plain http neither keeps nor
/// sends, and antiforgery refuses to work there at all. Rather than a 500, a page over plain http says what is
/// wrong; most often a TLS proxy in front whose forwarded headers the server was not told to trust.
/// Registered to run before every other filter, antiforgery validation included (see Layout/PagesSetup).
/// </summary>
internal sealed class HttpsRequiredFilter(IOptions<AntiforgeryOptions> antiforgery) : IAuthorizationFilter
{
    public void OnAuthorization(AuthorizationFilterContext context)
    {
        if (context.HttpContext.Request.IsHttps || antiforgery.Value.Cookie.SecurePolicy != CookieSecurePolicy.Always)
        {
            return;
        }

        context.Result = new ErrorActionResult(StatusCodes.Status400BadRequest, "This page needs HTTPS",
            "Signing in needs a secure (https://) connection. If this server sits behind a proxy that terminates TLS, " +
            "the administrator must let it trust the proxy's forwarded headers.");
    }
}
