namespace JwtIssuer.Server.Sessions;

/// <summary>The <c>Session</c> configuration section: the agent's sign-in cookie.</summary>
public sealed class AgentSessionOptions
{
    public const string SectionName = "Session";

    /// <summary>The session cookie's name; share it (and the Data Protection key ring) with an app to share sign-ins.</summary>
    public string CookieName { get; set; } = "jwtissuer";

    /// <summary>
    /// The session cookie's <c>Domain</c>, such as <c>example.com</c> when this service and the app it shares the cookie
    /// with are on different subdomains of it. Unset (the default): the cookie belongs to this host alone.
    /// </summary>
    public string? CookieDomain { get; set; }

    /// <summary>
    /// True to accept sign-ins another ASP.NET Core app made in the shared cookie (same key ring, application name,
    /// cookie name and scheme <c>Identity.Application</c>). Such an agent gets tokens when their email belongs to an
    /// active user here; the app checks its own sessions.
    /// </summary>
    public bool SharedCookie { get; set; }

    /// <summary>How long a sign-in lasts.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// True when this service runs on another site than the app that embeds Comm100: cookies become
    /// <c>SameSite=None; Secure; Partitioned</c>, the only kind Chromium sends to a third-party iframe.
    /// </summary>
    public bool CrossSite { get; set; }

    /// <summary>Origins of the apps that embed Comm100 and may therefore frame <c>/login</c>.</summary>
    public List<string> FrameAncestors { get; } = [];
}
