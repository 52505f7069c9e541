using JwtIssuer.Configuration;

namespace JwtIssuer.Server.AgentConsole;

/// <summary>
/// The <c>Console</c> configuration section: the Comm100 agent console that <c>/console</c> shows, either in a bare
/// iframe (<see cref="Url"/>) or through Comm100's embedded agent console SDK (<see cref="Sdk"/>); one of the two.
/// </summary>
public sealed class AgentConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>The agent console's URL, shown in a bare iframe (https; http only on a loopback host, for testing).</summary>
    public string? Url { get; set; }

    /// <summary>Comm100's embedded agent console SDK: the console's base URL, the app and the site.</summary>
    public ConsoleSdkOptions? Sdk { get; set; }

    /// <summary>
    /// The iframe's <c>allow</c> attribute: the browser features the console may ask the agent for (the browser still
    /// prompts). By default what a chat and call console uses: microphone, camera, screen sharing, sound, clipboard.
    /// </summary>
    public string Allow { get; set; } = "microphone; camera; display-capture; autoplay; clipboard-write";

    /// <summary>The console URL parsed, or null when none is configured (or it is invalid, which start-up reports).</summary>
    public Uri? ConsoleUri => ConfiguredUrl.Parse(Url);

    /// <summary>How <c>/console</c> shows the console.</summary>
    public ConsoleMode Mode => Sdk is not null ? ConsoleMode.Sdk : ConsoleUri is not null ? ConsoleMode.Frame : ConsoleMode.None;

    /// <summary>The origin the console is served from, in either mode: what the page's frame may show.</summary>
    public Uri? ConsoleOrigin => Mode == ConsoleMode.Sdk ? Sdk!.BaseUri : ConsoleUri;
}

/// <summary>How <c>/console</c> shows Comm100's agent console.</summary>
public enum ConsoleMode
{
    /// <summary>No console configured: <c>/console</c> answers 404.</summary>
    None,

    /// <summary>A bare iframe of <c>Console:Url</c>.</summary>
    Frame,

    /// <summary>Comm100's embedded agent console SDK (<c>Console:Sdk:*</c>).</summary>
    Sdk,
}

/// <summary>
/// <c>Console:Sdk</c>: Comm100's embedded agent console, as its tutorial app embeds it (codeex/VincallPortal,
/// <c>src/Pages/CallPanel/AgentConsolePanel.tsx</c>): <c>{BaseUrl}/sdk/comm100-embedded-client.js</c>, then
/// <c>new EmbeddedAgentConsole({ appId, siteId, modules, container }).init()</c>.
/// </summary>
public sealed class ConsoleSdkOptions
{
    public static readonly IReadOnlyList<string> DefaultModules = ["chat"];

    /// <summary>The agent console's base URL (https; http only on a loopback host); the script is below it.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The Comm100 app whose extended authentication points at this service's <c>/api/jwt</c>.</summary>
    public string? AppId { get; set; }

    /// <summary>The customer's Comm100 site id, a number.</summary>
    public long? SiteId { get; set; }

    /// <summary>The console's modules; by default <c>chat</c>.</summary>
    public List<string> Modules { get; } = [];

    /// <summary>The modules asked for: <see cref="Modules"/>, or the default when none is configured.</summary>
    public IReadOnlyList<string> EffectiveModules => Modules.Count > 0 ? Modules : DefaultModules;

    /// <summary>The base URL parsed: an allowed configured URL with no query or fragment, or null.</summary>
    public Uri? BaseUri => ConfiguredUrl.Parse(BaseUrl) is { Query.Length: 0, Fragment.Length: 0 } uri ? uri : null;

    /// <summary>The SDK's script.</summary>
    public string ScriptUrl => $"{BaseUri!.AbsoluteUri.TrimEnd('/')}/sdk/comm100-embedded-client.js";
}
