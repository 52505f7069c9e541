using JwtIssuer.Redirects;
using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Redirects;

public sealed class RedirectPolicyTests
{
    private const string Allowed = "https://dash11.comm100.io/api/agentSSO/jwt/Consumer";

    private static RedirectPolicy Policy(params string[] urls) =>
        new(TestIssuerModels.WithConsumers([KeyValuePair.Create("comm100", urls.Length == 0 ? [Allowed] : urls)]));

    [Theory]
    [InlineData(Allowed)]
    [InlineData(Allowed + "?relayState=XYZ")]
    [InlineData(Allowed + "?relayState=a%2Bb%3D%3D&other=1")]
    [InlineData("https://DASH11.Comm100.IO/api/agentSSO/jwt/Consumer?relayState=1")]
    [InlineData("HTTPS://dash11.comm100.io/api/agentSSO/jwt/Consumer")]
    [InlineData("https://dash11.comm100.io:443/api/agentSSO/jwt/Consumer")]
    [InlineData("https://dash11.comm100.io:0443/api/agentSSO/jwt/Consumer")]
    [InlineData(Allowed + "?relayState=https://elsewhere.example/?x=1")]
    [InlineData(Allowed + "?jwtx=1&xjwt=2")]
    public void AcceptsConfiguredConsumerUrl(string url)
    {
        var decision = Policy().Evaluate(url);

        Assert.True(decision.IsAllowed, decision.Explanation);
        Assert.Equal("comm100", decision.Consumer);
        Assert.Equal(url, decision.Url);
    }

    [Theory]
    // userinfo: the browser goes to evil.com
    [InlineData("https://dash11.comm100.io@evil.com/api/agentSSO/jwt/Consumer", RedirectRejection.UserInfo)]
    [InlineData("https://user:pass@dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.UserInfo)]
    [InlineData("https://evil.com%40dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.EncodedAuthority)]
    // backslash: browsers read it as '/', so "good\@evil" or "evil\good" means evil
    [InlineData("https://evil.com\\@dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.Backslash)]
    [InlineData("https://dash11.comm100.io\\evil.com/api/agentSSO/jwt/Consumer", RedirectRejection.Backslash)]
    [InlineData("https:\\\\dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.Backslash)]
    // scheme-relative, single-slash and missing authority
    [InlineData("//dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("https:/dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("https:///dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("javascript://dash11.comm100.io/%0aalert(1)", RedirectRejection.Malformed)]
    [InlineData("data:text/html,hello", RedirectRejection.Malformed)]
    // double slash and dot segments in the path
    [InlineData("https://dash11.comm100.io//evil.com/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/../jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer/", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer/../../../../evil", RedirectRejection.NotAllowed)]
    // encoded characters in the authority and the path
    [InlineData("https://dash11.comm100.io%2f.evil.com/api/agentSSO/jwt/Consumer", RedirectRejection.EncodedAuthority)]
    [InlineData("https://dash11.comm100.io%5c.evil.com/api/agentSSO/jwt/Consumer", RedirectRejection.EncodedAuthority)]
    [InlineData("https://%64ash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.EncodedAuthority)]
    [InlineData("https://dash11.comm100.io/api%2FagentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/%43onsumer", RedirectRejection.NotAllowed)]
    // control characters and whitespace, which browsers strip and parsers disagree on
    [InlineData("https://dash11.comm100.io\t.evil.com/api/agentSSO/jwt/Consumer", RedirectRejection.ForbiddenCharacter)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\r\nSet-Cookie: a=b", RedirectRejection.ForbiddenCharacter)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\0", RedirectRejection.ForbiddenCharacter)]
    [InlineData(" https://dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.ForbiddenCharacter)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer\u007f", RedirectRejection.ForbiddenCharacter)]
    // IDN look-alikes: Cyrillic 'а', fullwidth letters, a dotless i; punycode of a look-alike
    [InlineData("https://d\u0430sh11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.ForbiddenCharacter)]
    [InlineData("https://\uff44ash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.ForbiddenCharacter)]
    [InlineData("https://dash11.comm100\u3002io/api/agentSSO/jwt/Consumer", RedirectRejection.ForbiddenCharacter)]
    [InlineData("https://xn--dsh11-5ve.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    // ports
    [InlineData("https://dash11.comm100.io:8443/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io:/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("https://dash11.comm100.io:443a/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("https://dash11.comm100.io:99999/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    // http downgrade
    [InlineData("http://dash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("http://dash11.comm100.io:443/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    // fragments
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer#", RedirectRejection.Fragment)]
    [InlineData("https://dash11.comm100.io/api/agentSSO/jwt/Consumer?relayState=1#@evil.com", RedirectRejection.Fragment)]
    // look-alike hosts and case tricks in the path
    [InlineData("https://dash11.comm100.io.evil.com/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("https://evildash11.comm100.io/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io./api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io/API/AGENTSSO/JWT/CONSUMER", RedirectRejection.NotAllowed)]
    [InlineData("https://dash11.comm100.io/api/agentsso/jwt/consumer", RedirectRejection.NotAllowed)]
    // IP literals in odd forms
    [InlineData("https://0x7f000001/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("https://2130706433/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("https://127.1/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("https://[::1]/api/agentSSO/jwt/Consumer", RedirectRejection.NotAllowed)]
    // a second jwt would compete with ours
    [InlineData(Allowed + "?jwt=forged", RedirectRejection.HasJwtParameter)]
    [InlineData(Allowed + "?relayState=1&JWT=forged", RedirectRejection.HasJwtParameter)]
    [InlineData(Allowed + "?relayState=1&%6Awt=forged", RedirectRejection.HasJwtParameter)]
    [InlineData(Allowed + "?relayState=1&%u006Awt=forged", RedirectRejection.HasJwtParameter)]
    [InlineData(Allowed + "?relayState=1&%256Awt=forged", RedirectRejection.HasJwtParameter)]
    [InlineData(Allowed + "?relayState=1;jwt=forged", RedirectRejection.HasJwtParameter)]
    [InlineData(Allowed + "?relayState=1&+jwt+=forged", RedirectRejection.HasJwtParameter)]
    [InlineData(Allowed + "?jwt", RedirectRejection.HasJwtParameter)]
    [InlineData("https://dash11.comm100.io:+443/api/agentSSO/jwt/Consumer", RedirectRejection.Malformed)]
    [InlineData("", RedirectRejection.Missing)]
    [InlineData(null, RedirectRejection.Missing)]
    public void RejectsBypassAttempt(string? url, object expected)
    {
        var decision = Policy().Evaluate(url);

        Assert.False(decision.IsAllowed);
        Assert.Equal((RedirectRejection)expected, decision.Rejection);
        Assert.Null(decision.Url);
        Assert.Null(decision.Consumer);
    }

    [Fact]
    public void RejectsUrlLongerThan4096Characters()
    {
        var padding = new string('a', RedirectPolicy.MaxLength - Allowed.Length - "?relayState=".Length + 1);

        var decision = Policy().Evaluate($"{Allowed}?relayState={padding}");

        Assert.Equal(RedirectRejection.TooLong, decision.Rejection);
    }

    [Fact]
    public void AcceptsUrlOfExactly4096Characters()
    {
        var padding = new string('a', RedirectPolicy.MaxLength - Allowed.Length - "?relayState=".Length);

        Assert.True(Policy().Evaluate($"{Allowed}?relayState={padding}").IsAllowed);
    }

    [Theory]
    [InlineData("https://eu.comm100.io/sso", true)]
    [InlineData("https://xn--80ak6aa92e.comm100.io/sso", true)]
    [InlineData("https://comm100.io/sso", false)]
    [InlineData("https://a.b.comm100.io/sso", false)]
    [InlineData("https://.comm100.io/sso", false)]
    [InlineData("https://-bad.comm100.io/sso", false)]
    [InlineData("https://eu.comm100.io.evil.com/sso", false)]
    [InlineData("https://eucomm100.io/sso", false)]
    public void WildcardMatchesExactlyOneLabel(string url, bool allowed)
    {
        Assert.Equal(allowed, Policy("https://*.comm100.io/sso").Evaluate(url).IsAllowed);
    }

    [Fact]
    public void ComparesConfiguredUnicodeHostInPunycode()
    {
        var policy = Policy("https://bücher.example/sso");

        Assert.True(policy.Evaluate("https://xn--bcher-kva.example/sso").IsAllowed);
        Assert.Equal(RedirectRejection.ForbiddenCharacter, policy.Evaluate("https://bücher.example/sso").Rejection);
    }

    [Theory]
    [InlineData("http://localhost:8080/consumer", true)]
    [InlineData("http://localhost:8081/consumer", false)]
    [InlineData("http://localhost/consumer", false)]
    [InlineData("https://localhost:8080/consumer", false)]
    [InlineData("http://127.0.0.1:8080/consumer", false)]
    [InlineData("http://[::1]:8080/consumer", false)]
    public void AllowsPlainHttpOnlyForAConfiguredLoopbackUrl(string url, bool allowed)
    {
        Assert.Equal(allowed, Policy("http://localhost:8080/consumer").Evaluate(url).IsAllowed);
    }

    [Theory]
    [InlineData(Allowed + "?relayState=https://evil.example/?")]
    [InlineData(Allowed + "??")]
    [InlineData(Allowed + "?a&?")]
    [InlineData(Allowed + "?relayState=x%3Fjwt%3Dforged")]
    public void ConsumerReadsExactlyOurTokenAfterAppending(string url)
    {
        var location = new Uri(RedirectPolicy.AppendToken(url, "T"));

        Assert.Equal("T", Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query)["jwt"].ToString());
        Assert.Equal("T", System.Web.HttpUtility.ParseQueryString(location.Query).Get("jwt"));
    }

    [Fact]
    public void MatchesIPv6LoopbackLiteral()
    {
        Assert.True(Policy("http://[::1]:8080/consumer").Evaluate("http://[::1]:8080/consumer").IsAllowed);
    }

    [Theory]
    [InlineData(Allowed, "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?jwt=T")]
    [InlineData(Allowed + "?relayState=XYZ", "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?relayState=XYZ&jwt=T")]
    [InlineData(Allowed + "?relayState=a%2Bb%3D%3D", "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?relayState=a%2Bb%3D%3D&jwt=T")]
    [InlineData(Allowed + "?", "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?jwt=T")]
    [InlineData(Allowed + "?a=1&", "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?a=1&jwt=T")]
    // A later '?' is data: the token must never end up inside another parameter's value.
    [InlineData(Allowed + "?relayState=https://evil.example/?", "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?relayState=https://evil.example/?&jwt=T")]
    [InlineData(Allowed + "??", "https://dash11.comm100.io/api/agentSSO/jwt/Consumer??&jwt=T")]
    [InlineData(Allowed + "?a&?", "https://dash11.comm100.io/api/agentSSO/jwt/Consumer?a&?&jwt=T")]
    public void AppendsTokenAndKeepsTheQueryByteForByte(string url, string expected)
    {
        Assert.Equal(expected, RedirectPolicy.AppendToken(url, "T"));
    }

    [Fact]
    public void NothingButThePolicyCanMakeAnAllowedDecision()
    {
        var type = typeof(RedirectDecision);

        // No public constructor, no default value of a struct, no other public way to an allowed decision.
        Assert.False(type.IsValueType);
        Assert.Empty(type.GetConstructors(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance));
        Assert.All(type.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(method => method.ReturnType == type), method => Assert.Equal(nameof(RedirectDecision.Reject), method.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedirectDecision.Reject(RedirectRejection.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedirectDecision.Reject((RedirectRejection)(-1)));
        Assert.All(Enum.GetValues<RedirectRejection>().Where(reason => reason != RedirectRejection.None),
            reason => Assert.False(RedirectDecision.Reject(reason).IsAllowed));
    }
}
