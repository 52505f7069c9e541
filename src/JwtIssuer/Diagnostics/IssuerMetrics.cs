using System.Diagnostics.Metrics;
using System.Text.Json;
using JwtIssuer.Redirects;

namespace JwtIssuer.Diagnostics;

/// <summary>
/// The issuer's counters on the <see cref="JwtIssuerDiagnostics.MeterName"/> meter. Exporting them (Prometheus, OTLP) is the host's
/// choice; with no listener attached, each <c>Add</c> costs next to nothing.
/// </summary>
internal sealed class IssuerMetrics
{
    // Label values in Prometheus style: "not_allowed", "user_info", ...
    private static readonly string[] ReasonNames = [.. Enum.GetNames<RedirectRejection>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)];

    private readonly Counter<long> _tokensIssued;
    private readonly Counter<long> _redirectsRefused;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    public IssuerMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(JwtIssuerDiagnostics.MeterName);
        _tokensIssued = meter.CreateCounter<long>(
            "jwtissuer.tokens.issued", "{token}", "Tokens issued, by consumer and signing algorithm.");
        _redirectsRefused = meter.CreateCounter<long>(
            "jwtissuer.redirects.refused", "{request}", "Requests to /api/jwt refused for their redirect_url, by reason.");
    }

    /// <summary>Counts one token for <paramref name="consumer"/>, signed with <paramref name="algorithm"/>.</summary>
    public void TokenIssued(string consumer, string algorithm) =>
        _tokensIssued.Add(1, new KeyValuePair<string, object?>("consumer", consumer), new KeyValuePair<string, object?>("algorithm", algorithm));

    /// <summary>Counts one refused <c>redirect_url</c>.</summary>
    public void RedirectRefused(RedirectRejection reason) =>
        _redirectsRefused.Add(1, new KeyValuePair<string, object?>("reason", ReasonNames[(int)reason]));
}
