using System.Net;
using System.Net.Sockets;

namespace JwtIssuer.BrowserTests.Infrastructure;

/// <summary>
/// The sites of the flow. Ports do not make sites, hosts do: localhost, 127.0.0.1 and 127.0.0.2 are three
/// different sites to the browser, so its cookie and framing rules apply exactly as between real domains.
/// </summary>
public static class Sites
{
    /// <summary>The issuer, and in the recommended deployment the embedding app too.</summary>
    public const string IssuerHost = "localhost";

    /// <summary>The consumer (Comm100's stand-in): always another site.</summary>
    public const string ConsumerHost = "127.0.0.1";

    /// <summary>An embedding app on a third site (the cross-site deployment), or a page that must not frame us.</summary>
    public const string ThirdHost = "127.0.0.2";

    /// <summary>The company's OpenID Connect provider: a site of its own.</summary>
    public const string ProviderHost = "127.0.0.4";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
