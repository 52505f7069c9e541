namespace JwtIssuer.Redirects;

/// <summary>The outcome of checking a <c>redirect_url</c>: the consumer it belongs to, or why it was refused.</summary>
public readonly record struct RedirectDecision(RedirectRejection Rejection, string? Consumer, string? Url)
{
    /// <summary>The host of an allowed URL, as it arrived (for the audit trail).</summary>
    public string? Host { get; init; }

    /// <summary>True when the URL is on a consumer's allowlist.</summary>
    public bool IsAllowed => Rejection == RedirectRejection.None;

    /// <summary>A decision that refuses for this reason.</summary>
    public static RedirectDecision Reject(RedirectRejection reason) => new(reason, null, null);

    /// <summary>The message shown to whoever followed the link.</summary>
    public string Explanation => Rejection switch
    {
        RedirectRejection.None => "The redirect URL is allowed.",
        RedirectRejection.Missing => "The redirect_url parameter is missing.",
        RedirectRejection.Duplicated => "The redirect_url parameter appears more than once.",
        RedirectRejection.TooLong => $"The redirect_url is longer than {RedirectPolicy.MaxLength} characters.",
        RedirectRejection.ForbiddenCharacter => "The redirect_url contains spaces, control characters or non-ASCII characters.",
        RedirectRejection.Backslash => "The redirect_url contains a backslash.",
        RedirectRejection.Fragment => "The redirect_url contains a fragment (#).",
        RedirectRejection.Malformed => "The redirect_url is not an absolute http(s) URL.",
        RedirectRejection.UserInfo => "The redirect_url contains user information (user@host).",
        RedirectRejection.EncodedAuthority => "The redirect_url has percent-escapes in its host or port.",
        RedirectRejection.HasJwtParameter => "The redirect_url already carries a jwt parameter.",
        RedirectRejection.NotAllowed => "The redirect_url is not a configured consumer URL.",
        _ => "The redirect_url is not allowed.",
    };
}
