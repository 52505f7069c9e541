namespace JwtIssuer.Server.Sessions;

/// <summary>The <c>Session</c> configuration section: the agent's sign-in cookie.</summary>
public sealed class AgentSessionOptions
{
    public const string SectionName = "Session";

    /// <summary>The session cookie's name; share it (and the Data Protection key ring) with an app to share sign-ins.</summary>
    public string CookieName { get; set; } = "jwtissuer";

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
