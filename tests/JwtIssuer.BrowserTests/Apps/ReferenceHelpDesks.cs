using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using JwtIssuer.BrowserTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace JwtIssuer.BrowserTests.Apps;

/// <summary>
/// Stand-ins for two help desks, each on its own origin, verifying tokens as their vendors document them and with
/// jose-jwt, not our code.
/// <para>
/// Zendesk ("Enabling JWT single sign-on", support.zendesk.com/hc/en-us/articles/4408845838874): without a session,
/// <c>/agent/...</c> sends the browser to the remote login URL with <c>return_to</c> and <c>brand_id</c>; <c>POST
/// /access/jwt</c> takes the form field <c>jwt</c> (HS256 over the shared secret; <c>iat</c> within three minutes,
/// <c>jti</c> never seen before, <c>email</c> and <c>name</c> present) and the <c>return_to</c> of the form, starts a
/// session and goes there; a refusal goes to the remote logout URL with <c>kind=error</c> and a <c>message</c>.
/// </para>
/// <para>
/// Freshworks ("How to configure SSO with custom JWT implementation", support.freshworks.com/.../50000000670, and
/// "Setting up the id_token"): without a session, <c>/support/home</c> sends the browser to the authorization URL with
/// <c>response_type=id_token</c>, <c>client_id</c>, <c>scope</c>, <c>state</c>, <c>redirect_uri</c> and <c>nonce</c>;
/// <c>/sp/OIDC/{client}/implicit</c> takes <c>state</c> (one it issued, once) and <c>id_token</c> (RS256, checked
/// against the issuer's JWKS; <c>nonce</c> the one sent with that state; <c>sub</c> and <c>email</c> present).
/// </para>
/// </summary>
public sealed class ReferenceHelpDesks : IAsyncDisposable
{
    public const string FreshworksClientId = "302836020429100183";
    private const string ZendeskCookie = "_zendesk_session", FreshworksCookie = "_freshworks_session";

    private readonly WebApplication _zendesk;
    private readonly WebApplication _freshworks;
    private readonly string _secret;
    private readonly ConcurrentDictionary<string, bool> _seenJti = new();
    private readonly ConcurrentDictionary<string, string> _nonces = new();
    private readonly ConcurrentDictionary<string, string> _sessions = new();

    private ReferenceHelpDesks(string secret, int zendeskPort, int freshworksPort)
    {
        _secret = secret;
        ZendeskOrigin = $"https://{Sites.ConsumerHost}:{zendeskPort}";
        FreshworksOrigin = $"https://{Sites.ConsumerHost}:{freshworksPort}";
        _zendesk = Build(zendeskPort);
        _zendesk.MapGet("/agent/{**rest}", ZendeskAgent);
        _zendesk.MapPost("/access/jwt", (Delegate)ZendeskAccessJwtAsync);
        _freshworks = Build(freshworksPort);
        _freshworks.MapGet("/support/home", FreshworksHome);
        _freshworks.MapGet($"/sp/OIDC/{FreshworksClientId}/implicit", FreshworksImplicitAsync);
    }

    public string ZendeskOrigin { get; }

    public string FreshworksOrigin { get; }

    public string ZendeskAccessUrl => ZendeskOrigin + "/access/jwt";

    public string FreshworksRedirectUri => $"{FreshworksOrigin}/sp/OIDC/{FreshworksClientId}/implicit";

    /// <summary>The issuer's origin (set once it listens): its remote login URLs, its JWKS.</summary>
    public string IssuerOrigin { get; set; } = string.Empty;

    /// <summary>Every token either desk received, verified or not.</summary>
    public ConcurrentQueue<string> ReceivedTokens { get; } = new();

    /// <summary>Every <c>return_to</c> Zendesk's /access/jwt received with a token (empty when none).</summary>
    public ConcurrentQueue<string> ReceivedReturnTo { get; } = new();

    /// <summary>What each desk refused, and why.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public static async Task<ReferenceHelpDesks> StartAsync(string secret)
    {
        var desks = new ReferenceHelpDesks(secret, Sites.FreePort(), Sites.FreePort());
        await desks._zendesk.StartAsync();
        await desks._freshworks.StartAsync();
        return desks;
    }

    private static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(Sites.ConsumerHost), port, listen => listen.UseHttps(TestCertificate.Instance)));
        return builder.Build();
    }

    private IResult ZendeskAgent(HttpContext context) =>
        SessionOf(context, ZendeskCookie) is { } email
            ? Page("Zendesk agent workspace", $"<p id=\"status\">Signed in as {HtmlEncoder.Default.Encode(email)}</p><p id=\"where\">{HtmlEncoder.Default.Encode(context.Request.Path)}</p>")
            : Results.Redirect($"{IssuerOrigin}/sso/zendesk?brand_id=360001&return_to={Uri.EscapeDataString(ZendeskOrigin + context.Request.Path)}");

    private async Task<IResult> ZendeskAccessJwtAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var jwt = form["jwt"].ToString();
        ReceivedTokens.Enqueue(jwt);
        ReceivedReturnTo.Enqueue(form["return_to"].ToString() + context.Request.Query["return_to"]);
        string? Refused(string reason)
        {
            Refusals.Enqueue($"zendesk: {reason}");
            return reason;
        }

        JsonElement claims;
        try
        {
            claims = JsonDocument.Parse(Jose.JWT.Decode(jwt, Encoding.UTF8.GetBytes(_secret), Jose.JwsAlgorithm.HS256)).RootElement;
        }
        catch (Exception ex) when (ex is Jose.IntegrityException or Jose.JoseException or ArgumentException or FormatException)
        {
            return ToLogout(Refused("JWT signature invalid. The signature cannot be verified ,check that your tokens match.")!);
        }

        var iat = claims.TryGetProperty("iat", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt64() : 0;
        var problem =
            Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - iat) > 180 ? "Invalid iat parameter. The supplied iat value is more than 3 minutes off, check your server clock."
            : !claims.TryGetProperty("jti", out var jti) || jti.ValueKind != JsonValueKind.String || !_seenJti.TryAdd(jti.GetString()!, true) ? "The jti was used before."
            : !claims.TryGetProperty("email", out var email) || email.GetString() is not { Length: > 0 } ? "The email is missing."
            : !claims.TryGetProperty("name", out var name) || name.GetString() is not { Length: > 0 } ? "The name is missing."
            : null;
        if (problem is not null)
        {
            return ToLogout(Refused(problem)!);
        }

        var session = Guid.NewGuid().ToString("N");
        _sessions[session] = claims.GetProperty("email").GetString()!;
        context.Response.Headers.Append("Set-Cookie", $"{ZendeskCookie}={session}; Path=/; Secure; HttpOnly; SameSite=Lax");
        var returnTo = form["return_to"].ToString();
        return Results.Redirect(returnTo.StartsWith(ZendeskOrigin + "/", StringComparison.Ordinal) ? returnTo : "/agent/");
    }

    private IResult ToLogout(string message) =>
        Results.Redirect($"{IssuerOrigin}/sso/zendesk/logout?kind=error&message={Uri.EscapeDataString(message)}");

    private IResult FreshworksHome(HttpContext context)
    {
        if (SessionOf(context, FreshworksCookie) is { } email)
        {
            return Page("Freshworks helpdesk", $"<p id=\"status\">Signed in as {HtmlEncoder.Default.Encode(email)}</p>");
        }

        var state = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        _nonces[state] = nonce;
        return Results.Redirect($"{IssuerOrigin}/sso/freshworks?response_type=id_token&client_id={FreshworksClientId}&scope={Uri.EscapeDataString("openid email profile")}"
            + $"&state={Uri.EscapeDataString(state)}&redirect_uri={Uri.EscapeDataString(FreshworksRedirectUri)}&nonce={nonce}");
    }

    private async Task<IResult> FreshworksImplicitAsync(HttpContext context, string? state, string? id_token)
    {
        ReceivedTokens.Enqueue(id_token ?? "");
        IResult Refuse(string reason)
        {
            Refusals.Enqueue($"freshworks: {reason}");
            return Page("Sign-in refused", $"<p id=\"status\">{HtmlEncoder.Default.Encode(reason)}</p>", StatusCodes.Status401Unauthorized);
        }

        if (state is null || !_nonces.TryRemove(state, out var nonce))
        {
            return Refuse("Constraint validation failed with reason: Invalid state param or nonce param sent by IDP");
        }

        JsonElement claims;
        try
        {
            claims = JsonDocument.Parse(Jose.JWT.Decode(id_token, await IssuerKeyAsync(Jose.JWT.Headers(id_token!)["kid"].ToString()!), Jose.JwsAlgorithm.RS256)).RootElement;
        }
        catch (Exception ex) when (ex is Jose.IntegrityException or Jose.JoseException or ArgumentException or FormatException or KeyNotFoundException)
        {
            return Refuse("Signature validation failed: RSA Signature did not match");
        }

        if (claims.GetProperty("nonce").GetString() != nonce)
        {
            return Refuse("Constraint validation failed with reason: Invalid state param or nonce param sent by IDP");
        }

        if (claims.GetProperty("sub").GetString() is not { Length: > 0 } || claims.GetProperty("email").GetString() is not { Length: > 0 } email)
        {
            return Refuse("Invalid token or user info response:");
        }

        var session = Guid.NewGuid().ToString("N");
        _sessions[session] = email;
        context.Response.Headers.Append("Set-Cookie", $"{FreshworksCookie}={session}; Path=/; Secure; HttpOnly; SameSite=Lax");
        return Results.Redirect("/support/home");
    }

    /// <summary>The issuer's public key with this kid, from its JWKS, as a relying party fetches it.</summary>
    private async Task<RSA> IssuerKeyAsync(string kid)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
        using var jwks = JsonDocument.Parse(await http.GetStringAsync($"{IssuerOrigin}/.well-known/jwks.json"));
        var key = jwks.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = WebEncoders.Base64UrlDecode(key.GetProperty("n").GetString()!),
            Exponent = WebEncoders.Base64UrlDecode(key.GetProperty("e").GetString()!),
        });
        return rsa;
    }

    private string? SessionOf(HttpContext context, string cookie) =>
        context.Request.Cookies.TryGetValue(cookie, out var id) && _sessions.TryGetValue(id, out var email) ? email : null;

    private static IResult Page(string title, string body, int status = StatusCodes.Status200OK) => Results.Content($$"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{title}}</title></head>
        <body><h1>{{title}}</h1>{{body}}</body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _zendesk.DisposeAsync();
        await _freshworks.DisposeAsync();
    }
}
