using System.Net;
using System.Text.RegularExpressions;
using EmbeddedApp;
using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Embedding;

/// <summary>samples/EmbeddedApp in a test: its configuration (one HS256 consumer, one agent) and its sign-in form.</summary>
internal static partial class EmbeddedSample
{
    public const string Consumer = "https://dash11.comm100.io/api/agentSSO/jwt/Consumer";
    public const string Agent = "agent@example.com";
    public const string Password = "sample app password 1";

    public static Dictionary<string, string?> Settings() => new()
    {
        ["JwtIssuer:Issuer"] = JwtIssuerApplication.Issuer, // what TokenAssert verifies against
        ["JwtIssuer:Consumers:comm100:RedirectUrls:0"] = Consumer,
        ["JwtIssuer:Consumers:comm100:SigningKey"] = "comm100",
        ["JwtIssuer:SigningKeys:comm100:Algorithm"] = "HS256",
        ["JwtIssuer:SigningKeys:comm100:Secret"] = TestKeys.HsSecret,
        ["People:0:Email"] = Agent,
        ["People:0:Name"] = "Ann Agent",
        ["People:0:PasswordHash"] = AgentDirectory.Hash(Password),
        ["People:0:IsAgent"] = "true",
    };

    /// <summary>Fills in and posts the sample's login form as a browser would (its antiforgery token included).</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string returnUrl)
    {
        var form = await browser.GetStringAsync($"/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = Password,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(form).Groups[1].Value),
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
