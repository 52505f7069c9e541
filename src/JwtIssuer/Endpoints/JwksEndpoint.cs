using JwtIssuer.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JwtIssuer.Endpoints;

/// <summary><c>GET /.well-known/jwks.json</c>: the public half of every RS256/ES256 key, for consumers that fetch keys.</summary>
internal static class JwksEndpoint
{
    public const string Route = "/.well-known/jwks.json";

    public static ContentHttpResult Get(HttpContext context, IssuerModel issuer)
    {
        // Keys change only with a restart; five minutes of caching lets a rotation propagate quickly.
        context.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Content(issuer.Keys.JsonWebKeySet, "application/jwk-set+json");
    }
}
