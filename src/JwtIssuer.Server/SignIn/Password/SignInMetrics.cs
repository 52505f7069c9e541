using System.Diagnostics.Metrics;
using System.Text.Json;
using JwtIssuer.Diagnostics;

namespace JwtIssuer.Server.SignIn.Password;

/// <summary>What became of a <c>POST /login</c>.</summary>
public enum SignInOutcome
{
    /// <summary>Signed in.</summary>
    Succeeded,

    /// <summary>Wrong password, unknown account, an account that may not sign in, or an empty field (one answer for all, as on the page).</summary>
    Failed,

    /// <summary>Refused by <c>SignInLimits</c> before any password was checked.</summary>
    Throttled,

    /// <summary>Not a valid form post: antiforgery, content type, an unreadable form, an overlong field.</summary>
    Rejected,
}

/// <summary><c>jwtissuer.sign_ins</c> on the <c>JwtIssuer</c> meter, by result.</summary>
public sealed class SignInMetrics
{
    // Label values in Prometheus style, as IssuerMetrics writes its reasons.
    private static readonly string[] OutcomeNames = [.. Enum.GetNames<SignInOutcome>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)];

    private readonly Counter<long> _signIns;

    public SignInMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _signIns = meters.Create(JwtIssuerDiagnostics.MeterName)
            .CreateCounter<long>("jwtissuer.sign_ins", "{attempt}", "Password sign-in attempts at /login, by result.");
    }

    public void Record(SignInOutcome outcome) =>
        _signIns.Add(1, new KeyValuePair<string, object?>("result", OutcomeNames[(int)outcome]));
}
