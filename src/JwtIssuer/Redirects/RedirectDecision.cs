namespace JwtIssuer.Redirects;

/// <summary>
/// The outcome of checking a <c>redirect_url</c>: the consumer it belongs to, or why it was refused.
/// Only <see cref="RedirectPolicy"/> can produce an allowed decision: a token goes wherever one points.
/// </summary>
internal sealed class RedirectDecision
{
    // One refusal per reason, made once: refusing a hostile link allocates nothing.
    private static readonly RedirectDecision[] Refusals =
        [.. Enum.GetValues<RedirectRejection>().Select(reason => new RedirectDecision(reason, null, null, null))];

    private RedirectDecision(RedirectRejection rejection, string? consumer, string? url, string? host)
    {
        Rejection = rejection;
        Consumer = consumer;
        Url = url;
        Host = host;
    }

    /// <summary>Why the URL was refused; <see cref="RedirectRejection.None"/> when it was allowed.</summary>
    public RedirectRejection Rejection { get; }

    /// <summary>The consumer whose allowlist the URL matched; null when refused.</summary>
    public string? Consumer { get; }

    /// <summary>The allowed URL exactly as it arrived; null when refused.</summary>
    public string? Url { get; }

    /// <summary>The host of an allowed URL, as it arrived (for the audit trail).</summary>
    public string? Host { get; }

    /// <summary>True when the URL is on a consumer's allowlist.</summary>
    public bool IsAllowed => Rejection == RedirectRejection.None;

    /// <summary>A decision that refuses for this reason.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is <see cref="RedirectRejection.None"/>, which is not a refusal.</exception>
    public static RedirectDecision Reject(RedirectRejection reason) =>
        reason != RedirectRejection.None && (int)reason >= 0 && (int)reason < Refusals.Length
            ? Refusals[(int)reason]
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Only the redirect policy decides that a URL is allowed.");

    /// <summary>An allowed decision; called by <see cref="RedirectPolicy"/> only, once a rule matched.</summary>
    internal static RedirectDecision Allow(string consumer, string url, string host) =>
        new(RedirectRejection.None, consumer, url, host);

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
