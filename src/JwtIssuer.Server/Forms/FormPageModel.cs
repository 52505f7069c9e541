using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace JwtIssuer.Server.Forms;

/// <summary>A page with a form: it shows the one message of its last failure, its own or the framework's (<see cref="RejectedFormFilter"/>).</summary>
public abstract class FormPageModel : PageModel
{
    /// <summary>The message above the form, or null.</summary>
    public string? Error { get; protected set; }

    /// <summary>True when this render shows a post the framework refused (antiforgery, not a form, unreadable).</summary>
    protected bool Rejected => HttpContext.Features.Get<FormRejection>() is not null;

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        Error ??= HttpContext.Features.Get<FormRejection>()?.Message;
        base.OnPageHandlerExecuting(context);
    }
}
