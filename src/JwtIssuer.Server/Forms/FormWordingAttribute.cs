namespace JwtIssuer.Server.Forms;

/// <summary>
/// How a page's form is named in the messages of <see cref="RejectedFormFilter"/>, such as "This sign-in form has
/// expired". Put on the page model; without it, a page's form is "this form".
/// </summary>
/// <param name="form">The form's name: "sign-in form".</param>
/// <param name="action">What the form does, as a verb: "sign in".</param>
/// <param name="doing">The same as a gerund: "signing in".</param>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FormWordingAttribute(string form, string action, string doing) : Attribute
{
    internal static readonly FormWordingAttribute Default = new("form", "submit it", "submitting forms");

    internal string Expired => $"This {form} has expired or was not sent by this page. Reload the page and {action} again.";

    internal string Unreadable => $"The {form} could not be read. Reload the page and {action} again.";

    internal string NotAForm => $"{char.ToUpperInvariant(action[0])}{action[1..]} with the form on this page.";

    // Almost always a browser withholding our cookies because this page is framed by another site.
    internal string CookiesMissing => $"Your browser did not send this site's cookies, so {doing} here cannot work. " +
        "If this page is inside another website's frame, ask your administrator to turn on Session:CrossSite; otherwise allow cookies and try again.";
}
