namespace JwtIssuer.Server.Sessions;

/// <summary>
/// The first step of a logout URL another site sends the browser to. On a navigation another site started (inside
/// Comm100's frame, measured in Chromium), the browser neither sends our <c>SameSite=Lax</c> session cookie nor lets
/// the answer clear it; so such a request gets a page that moves on by itself to the same URL with
/// <c>step=</c><see cref="Continue"/>: a navigation our own page starts, which carries the cookie and may clear it.
/// Comm100's logout URL and Zendesk's take it alike.
/// </summary>
internal static class CrossSiteSignOut
{
    /// <summary>The second step's marker: never a third.</summary>
    public const string Continue = "continue";

    /// <summary>Whether this request must first get the page that moves on by itself.</summary>
    public static bool NeedsOwnNavigation(HttpRequest request, string? step) =>
        step != Continue && request.Headers["Sec-Fetch-Site"] == "cross-site";
}
