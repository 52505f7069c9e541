using System.Text.Encodings.Web;
using System.Text.Json;
using JwtIssuer.Configuration;
using JwtIssuer.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Server.Development;

/// <summary>
/// <c>GET /dev/consumer</c>, Development only: stands in for Comm100's consumer URL so the quickstart can be
/// watched end to end. It verifies the token with the configured key and shows its header and claims.
/// </summary>
internal static class DevelopmentConsumer
{
    public static IEndpointRouteBuilder MapDevelopmentConsumer(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dev/consumer", ShowAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<ContentHttpResult> ShowAsync(string? jwt, string? relayState, SigningKeyRing keys, IOptions<JwtIssuerOptions> options)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            return Page("No token", "<p>Open <code>/api/jwt?redirect_url=http%3A%2F%2Flocalhost%3A5080%2Fdev%2Fconsumer%3FrelayState%3Ddemo</code> to get one.</p>");
        }

        var issuer = options.Value;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudiences = issuer.Consumers.Values.Select(consumer => consumer.Audience),
            IssuerSigningKeyResolver = (_, _, kid, _) => keys.KeyIds.Contains(kid, StringComparer.OrdinalIgnoreCase) ? [keys[kid].Key] : [],
        });

        var token = new JsonWebToken(jwt);
        var indented = new JsonSerializerOptions { WriteIndented = true };
        string Pretty(string base64Url) => JsonSerializer.Serialize(JsonDocument.Parse(Base64UrlEncoder.Decode(base64Url)).RootElement, indented);
        var encoder = HtmlEncoder.Default;
        var verdict = result.IsValid ? "Signature, issuer, audience and lifetime are valid." : $"Invalid: {result.Exception?.Message}";
        return Page(result.IsValid ? "Token verified" : "Token rejected", $"""
            <p>{encoder.Encode(verdict)}</p>
            <p>relayState: <code>{encoder.Encode(relayState ?? "(none)")}</code></p>
            <h2>Header</h2><pre>{encoder.Encode(Pretty(token.EncodedHeader))}</pre>
            <h2>Claims</h2><pre>{encoder.Encode(Pretty(token.EncodedPayload))}</pre>
            """);
    }

    private static ContentHttpResult Page(string title, string body) => TypedResults.Content($"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{HtmlEncoder.Default.Encode(title)}</title>
        <link rel="stylesheet" href="/site.css"></head>
        <body><main><h1>{HtmlEncoder.Default.Encode(title)}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8");
}
