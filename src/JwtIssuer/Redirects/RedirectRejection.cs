namespace JwtIssuer.Redirects;

/// <summary>Why a <c>redirect_url</c> was refused. Each value is one class of bypass attempt or mistake.</summary>
internal enum RedirectRejection
{
    /// <summary>The URL was accepted.</summary>
    None,

    /// <summary>No <c>redirect_url</c> parameter.</summary>
    Missing,

    /// <summary>More than one <c>redirect_url</c> parameter: which one a proxy or framework reads is ambiguous.</summary>
    Duplicated,

    /// <summary>Longer than <see cref="RedirectPolicy.MaxLength"/> characters.</summary>
    TooLong,

    /// <summary>Control characters, spaces or non-ASCII characters (IDN hosts must arrive in punycode).</summary>
    ForbiddenCharacter,

    /// <summary>A backslash, which browsers read as a slash.</summary>
    Backslash,

    /// <summary>A fragment (<c>#</c>), which would swallow the appended token or hide the real target.</summary>
    Fragment,

    /// <summary>Not an absolute http(s) URL.</summary>
    Malformed,

    /// <summary>Userinfo (<c>user@host</c>) in the authority.</summary>
    UserInfo,

    /// <summary>Percent-escapes in the authority, such as an encoded <c>/</c>, <c>\</c> or <c>@</c>.</summary>
    EncodedAuthority,

    /// <summary>The query already carries a <c>jwt</c> parameter.</summary>
    HasJwtParameter,

    /// <summary>Well-formed, but scheme, host, port or path is not on any consumer's allowlist.</summary>
    NotAllowed,
}
