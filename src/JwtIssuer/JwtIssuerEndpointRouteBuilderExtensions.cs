using JwtIssuer.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Routing;

/// <summary>Maps the issuer's endpoints into the host's routes.</summary>
public static class JwtIssuerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET /api/jwt</c>, the JWT Authentication URL (the host's authentication scheme decides who is signed in),
    /// and <c>GET /.well-known/jwks.json</c>, both under the builder's prefix, if any.
    /// </summary>
    /// <returns>
    /// The token endpoint's builder: conventions chained onto it (<c>RequireAuthorization</c>, a rate limit) apply to
    /// <c>/api/jwt</c> alone. The key set always stays public, since consumers fetch it without a session.
    /// </returns>
    public static RouteHandlerBuilder MapJwtIssuer(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(JwksEndpoint.Route, JwksEndpoint.Get).AllowAnonymous().ExcludeFromDescription();
        return endpoints.MapGet(JwtEndpoint.Route, JwtEndpoint.IssueAsync).WithMetadata(TokenEndpointMetadata.Instance).ExcludeFromDescription();
    }
}
