using System.Diagnostics.Metrics;
using JwtIssuer.Diagnostics;

namespace JwtIssuer.Server.Telemetry;

/// <summary>What became of a <c>POST /login</c>.</summary>
public enum SignInResult
{
    /// <summary>Signed in.</summary>
    Succeeded,

    /// <summary>Wrong password, unknown account, or an account that may not sign in (one answer for all, as on the page).</summary>
    Failed,

    /// <summary>Refused by <c>SignInLimits</c> before any password was checked.</summary>
    Throttled,

    /// <summary>Not a valid form post: antiforgery, content type, oversized or missing fields.</summary>
    Rejected,
}

/// <summary><c>jwtissuer.sign_ins</c> on the <c>JwtIssuer</c> meter, by result.</summary>
public sealed class SignInMetrics
{
    private static readonly string[] ResultNames = ["succeeded", "failed", "throttled", "rejected"];

    private readonly Counter<long> _signIns;

    public SignInMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _signIns = meters.Create(IssuerMetrics.MeterName)
            .CreateCounter<long>("jwtissuer.sign_ins", "{attempt}", "Password sign-in attempts at /login, by result.");
    }

    public void Record(SignInResult result) =>
        _signIns.Add(1, new KeyValuePair<string, object?>("result", ResultNames[(int)result]));
}
