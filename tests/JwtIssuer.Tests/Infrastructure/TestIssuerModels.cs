using JwtIssuer.Configuration;

namespace JwtIssuer.Tests.Infrastructure;

/// <summary>The issuer's compiled configuration, built from options in a test as start-up builds it.</summary>
internal static class TestIssuerModels
{
    /// <summary>A model with one HS256 key, "k", and the consumers <paramref name="consumers"/> name with their URLs, all signing with it.</summary>
    public static IssuerModel WithConsumers(IEnumerable<KeyValuePair<string, string[]>> consumers)
    {
        var options = new JwtIssuerOptions { Issuer = JwtIssuerApplication.Issuer };
        options.SigningKeys["k"] = new SigningKeyOptions { Algorithm = "HS256", Secret = TestKeys.HsSecret };
        foreach (var (name, urls) in consumers)
        {
            var consumer = new ConsumerOptions { SigningKey = "k" };
            consumer.RedirectUrls.AddRange(urls);
            options.Consumers[name] = consumer;
        }

        return IssuerModelBuilder.Build(options, Path.GetTempPath(), out var errors, out _)
            ?? throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
    }
}
