using EmbeddedApp;
using JwtIssuer.Tests.Infrastructure;

namespace JwtIssuer.Tests.Embedding;

/// <summary>Configuration for samples/EmbeddedApp in a test: one HS256 consumer and one agent.</summary>
internal static class SampleSettings
{
    public const string Consumer = "https://dash11.comm100.io/api/agentSSO/jwt/Consumer";
    public const string Agent = "agent@example.com";
    public const string Password = "sample app password 1";

    public static Dictionary<string, string?> Create() => new()
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
}
