using JwtIssuer.Endpoints;

namespace JwtIssuer.Server.Development;

/// <summary>
/// Development only, so the quickstart can be watched end to end: <c>GET /dev/console</c> stands in for Comm100's
/// agent console (what <c>/console</c> frames in Development): it sends its frame to <c>/api/jwt</c>, as Comm100
/// does, on its way to <c>/dev/consumer</c> (<c>Consumer.cshtml</c> here), which stands in for the consumer URL.
/// </summary>
internal static class DevelopmentConsole
{
    public static IEndpointRouteBuilder MapDevelopmentConsole(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/dev/console", (HttpRequest request) =>
        {
            var consumer = $"{request.Scheme}://{request.Host}/dev/consumer?relayState=dev-console";
            return TypedResults.Redirect($"{JwtEndpoint.Route}?redirect_url={Uri.EscapeDataString(consumer)}");
        }).ExcludeFromDescription();
        return endpoints;
    }
}
