using JwtIssuer.Configuration;

namespace JwtIssuer.Server.AgentConsole;

/// <summary>The <c>Console</c> configuration section: the Comm100 agent console that <c>/console</c> shows.</summary>
public sealed class AgentConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>The agent console's URL (https; http only on a loopback host, for testing). Unset: no <c>/console</c> page.</summary>
    public string? Url { get; set; }

    /// <summary>Comm100's embedded-console script. Not supported: its interface is not documented where this service is built.</summary>
    public string? ScriptUrl { get; set; }

    /// <summary>
    /// The iframe's <c>allow</c> attribute: the browser features the console may ask the agent for (the browser still
    /// prompts). By default what a chat and call console uses: microphone, camera, screen sharing, sound, clipboard.
    /// </summary>
    public string Allow { get; set; } = "microphone; camera; display-capture; autoplay; clipboard-write";

    /// <summary>The console URL parsed, or null when none is configured (or it is invalid, which start-up reports).</summary>
    public Uri? ConsoleUri => ConfiguredUrl.Parse(Url);
}
