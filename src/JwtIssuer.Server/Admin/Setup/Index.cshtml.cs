using JwtIssuer.Configuration;
using JwtIssuer.Server.Comm100;

namespace JwtIssuer.Server.Admin.Setup;

/// <summary>
/// <c>/admin/setup</c>: for each consumer Comm100 can use, what <c>jwt-issuer comm100 setup</c> prints (the URLs to
/// paste, the public key or where the HS256 secret is kept, never the secret), and the JWKS link.
/// </summary>
public sealed class IndexModel : AdminPageModel
{
    public IReadOnlyList<Comm100Setup> Consumers { get; private set; } = [];

    /// <summary>Consumers signing with a key Comm100 does not take (ES256), named so nobody looks for them in vain.</summary>
    public IReadOnlyList<string> Others { get; private set; } = [];

    /// <summary>Consumers of other products (Zendesk, Freshworks), whose setup <c>jwt-issuer consumer setup</c> prints.</summary>
    public IReadOnlyList<(string Name, string Product)> Products { get; private set; } = [];

    public void OnGet()
    {
        var issuer = HttpContext.RequestServices.GetRequiredService<IssuerModel>();
        var service = ConfiguredUrl.Parse(issuer.Issuer) ?? new Uri($"{Request.Scheme}://{Request.Host}");
        Consumers = [.. issuer.Consumers.Values.Where(Comm100Setup.Accepts).OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => Comm100Setup.For(c, service, showSecret: false))];
        Others = [.. issuer.Consumers.Values.Where(c => c.Profile == ConsumerProfile.Comm100 && !Comm100Setup.Accepts(c)).Select(c => $"{c.Name} ({c.Key.Algorithm})").Order(StringComparer.Ordinal)];
        Products = [.. issuer.Consumers.Values.Where(c => c.Profile != ConsumerProfile.Comm100).OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => (c.Name, c.Profile.ToString()))];
    }
}
