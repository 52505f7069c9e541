namespace JwtIssuer.Server.Forms;

/// <summary>Why the framework refused a form post, and with which status; set on the request for the page shown again.</summary>
/// <param name="StatusCode">400, or 413 for a form too large, 415 for a body that is not a form.</param>
/// <param name="Message">One sentence the reader can act on, in the form's own wording.</param>
/// <param name="FormUnreadable">The form itself could not be read, so nothing in it may be used.</param>
internal sealed record FormRejection(int StatusCode, string Message, bool FormUnreadable);
