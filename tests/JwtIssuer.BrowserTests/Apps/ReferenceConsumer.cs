using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace JwtIssuer.BrowserTests.Apps;

/// <summary>
/// Behaves like Comm100 on another site: an agent console that, without its own session, starts SSO by sending
/// the browser to the issuer; a consumer URL that verifies the token (HS256 over the secret's UTF-8 bytes,
/// with jose-jwt, not our code), checks aud, exp, relayState and that the jti is new, then starts a session; a
/// sign-out that, as Comm100 does, sends the browser to the remote logout URL; and a stand-in of Comm100's embedded
/// agent console SDK (<c>/sdk/comm100-embedded-client.js</c>), with the interface Comm100's tutorial app uses
/// (codeex/VincallPortal, <c>src/Pages/CallPanel/AgentConsolePanel.tsx</c>): <c>new EmbeddedAgentConsole({ appId,
/// siteId, modules, container })</c>, whose <c>init()</c> puts this console into <c>container</c> in an iframe.
/// </summary>
public sealed class ReferenceConsumer : IAsyncDisposable
{
    public const string ConsumerPath = "/api/agentSSO/jwt/Consumer";
    private const string SessionCookie = "c100session";

    private readonly WebApplication _app;
    private readonly string _secret;
    private readonly ConcurrentDictionary<string, bool> _states = new();
    private readonly ConcurrentDictionary<string, bool> _seenJti = new();
    private readonly ConcurrentDictionary<string, string> _sessions = new();

    private ReferenceConsumer(string secret, int port)
    {
        _secret = secret;
        Origin = $"https://{Sites.ConsumerHost}:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(Sites.ConsumerHost), port, listen => listen.UseHttps(TestCertificate.Instance)));
        _app = builder.Build();
        _app.MapGet("/console", Console);
        _app.MapGet("/sdk/comm100-embedded-client.js", () => Results.Content(Sdk, "text/javascript; charset=utf-8"));
        _app.MapGet("/sso/start", StartSso);
        _app.MapGet("/sso/logout", SignOut);
        _app.MapGet(ConsumerPath, Consume);
        _app.MapGet("/not-allowlisted/Consumer", Consume);
    }

    public string Origin { get; }

    public string ConsumerUrl => Origin + ConsumerPath;

    public string ConsoleUrl => Origin + "/console";

    /// <summary>Set once the issuer listens.</summary>
    public string IssuerOrigin { get; set; } = string.Empty;

    /// <summary>Where the SSO start asks the issuer to send the token; change it to try a URL off the allowlist.</summary>
    public string RedirectPath { get; set; } = ConsumerPath;

    /// <summary>Every jwt that reached a consumer URL, valid or not.</summary>
    public ConcurrentQueue<string> ReceivedTokens { get; } = new();

    /// <summary>The consumer URLs (with relayState and jwt) the browser arrived at.</summary>
    public ConcurrentQueue<string> Arrivals { get; } = new();

    /// <summary>What the SDK passed to the console it framed: "appId=...&amp;siteId=...&amp;modules=...".</summary>
    public ConcurrentQueue<string> SdkLaunches { get; } = new();

    /// <summary>Comm100's remote logout URL, as configured in its Control Panel; set once the issuer listens.</summary>
    public string LogoutUrl => IssuerOrigin + "/api/jwt/logout";

    public static async Task<ReferenceConsumer> StartAsync(string secret)
    {
        var consumer = new ReferenceConsumer(secret, Sites.FreePort());
        await consumer._app.StartAsync();
        return consumer;
    }

    private IResult Console(HttpContext context, string? appId)
    {
        if (appId is not null)
        {
            SdkLaunches.Enqueue(context.Request.QueryString.Value!.TrimStart('?'));
        }

        return context.Request.Cookies.TryGetValue(SessionCookie, out var id) && _sessions.TryGetValue(id, out var email)
            ? Page("Agent console", $"<p id=\"status\">Signed in as {HtmlEncoder.Default.Encode(email)}</p><p><a href=\"/sso/logout\">Sign out of Comm100</a></p>")
            : Results.Redirect("/sso/start");
    }

    /// <summary>Ends the console's session, then sends the browser to the remote logout URL, as Comm100 does.</summary>
    private IResult SignOut(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(SessionCookie, out var id))
        {
            _sessions.TryRemove(id, out _);
        }

        return Results.Redirect(LogoutUrl);
    }

    /// <summary>The SDK stand-in: checks the options as the tutorial passes them, then frames this console with them.</summary>
    private const string Sdk = """
        (function () {
          var origin = new URL(document.currentScript.src).origin;
          window.EmbeddedAgentConsole = function (options) {
            if (!options || typeof options.appId !== "string" || typeof options.siteId !== "number"
                || !Array.isArray(options.modules) || !options.container) {
              throw new Error("EmbeddedAgentConsole needs appId (a string), siteId (a number), modules and container");
            }
            this.options = options;
          };
          window.EmbeddedAgentConsole.prototype.init = function () {
            var o = this.options;
            var frame = document.createElement("iframe");
            frame.title = "Comm100 agent console";
            frame.src = origin + "/console?appId=" + encodeURIComponent(o.appId) + "&siteId=" + o.siteId
              + "&modules=" + encodeURIComponent(o.modules.join(","));
            frame.style.cssText = "flex:1;border:0;width:100%;min-height:20rem";
            o.container.appendChild(frame);
            return { appId: o.appId, siteId: o.siteId, frame: frame };
          };
        })();
        """;

    private IResult StartSso()
    {
        var state = Guid.NewGuid().ToString("N");
        _states[state] = true;
        var redirectUrl = $"{Origin}{RedirectPath}?relayState={state}";
        return Results.Redirect($"{IssuerOrigin}/api/jwt?redirect_url={Uri.EscapeDataString(redirectUrl)}");
    }

    private IResult Consume(HttpContext context, string? relayState, string? jwt)
    {
        Arrivals.Enqueue(context.Request.Path + context.Request.QueryString);
        if (string.IsNullOrEmpty(jwt))
        {
            return Refuse("no jwt");
        }

        ReceivedTokens.Enqueue(jwt);
        JsonElement claims;
        try
        {
            claims = JsonDocument.Parse(Jose.JWT.Decode(jwt, Encoding.UTF8.GetBytes(_secret), Jose.JwsAlgorithm.HS256)).RootElement;
        }
        catch (Exception ex) when (ex is Jose.IntegrityException or Jose.JoseException or ArgumentException)
        {
            return Refuse("bad signature");
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (claims.GetProperty("aud").GetString() != "Comm100")
        {
            return Refuse("wrong audience");
        }

        if (claims.GetProperty("exp").GetInt64() <= now)
        {
            return Refuse("expired");
        }

        if (!_seenJti.TryAdd(claims.GetProperty("jti").GetString()!, true))
        {
            return Refuse("token already used");
        }

        if (relayState is null || !_states.TryRemove(relayState, out _))
        {
            return Refuse("unknown relayState");
        }

        var session = Guid.NewGuid().ToString("N");
        _sessions[session] = claims.GetProperty("email").GetString()!;
        // Inside the agent's iframe this is a third-party cookie: only a partitioned one survives.
        context.Response.Headers.Append("Set-Cookie", $"{SessionCookie}={session}; Path=/; Secure; HttpOnly; SameSite=None; Partitioned");
        return Results.Redirect("/console");
    }

    private static IResult Refuse(string reason) =>
        Page("Sign-in refused", $"<p id=\"status\">Sign-in refused: {HtmlEncoder.Default.Encode(reason)}</p>", StatusCodes.Status401Unauthorized);

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => Results.Content($$"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{title}}</title>
        <style>body{font-family:system-ui,sans-serif;margin:0;background:#0b3d5c;color:#fff}header{padding:.75rem 1rem;background:#072a40;font-weight:600}main{padding:1rem}</style></head>
        <body><header>Comm100 agent console (reference consumer)</header><main><h1>{{title}}</h1>{{body}}</main></body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
