using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using JwtIssuer.Tokens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtIssuer.Benchmarks.Minting;

/// <summary>
/// One Comm100 token (sub, email, jti, aud, iss, iat, nbf, exp) four ways, per algorithm:
/// our minter (what <c>/api/jwt</c> calls), the floor (JsonWebTokenHandler with credentials built once),
/// the naive code of Comm100's sample (JwtSecurityTokenHandler, key built and PEM imported on every call),
/// and the bare signature over the same signing input.
/// </summary>
[MemoryDiagnoser]
public class MintingBenchmarks
{
    private const string Issuer = "https://voip.example.com";
    private const string Audience = "Comm100";
    private const string Email = "agent@example.com";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly BenchmarkKeys _keys = new();
    private readonly JsonWebTokenHandler _floorHandler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TokenSubject _subject = new("3f2a0c9e-user-id", Email, "Agent Smith");
    private ServiceProvider? _services;
    private TokenMinter _minter = null!;
    private SigningCredentials _floorCredentials = null!;
    private byte[] _signingInput = null!;
    private byte[] _hmacKey = null!;
    private RSA? _rsa;
    private ECDsa? _ecdsa;

    [Params("HS256", "RS256", "ES256")]
    public string Algorithm { get; set; } = "HS256";

    [GlobalSetup]
    public void Setup()
    {
        _services = ComposeIssuer(Algorithm, _keys);
        _minter = _services.GetRequiredService<TokenMinter>();
        _floorCredentials = FloorCredentials();

        // The raw signature signs exactly what our minter signs: "base64url(header).base64url(payload)".
        var token = Ours();
        _signingInput = Encoding.ASCII.GetBytes(token[..token.LastIndexOf('.')]);
        _hmacKey = Encoding.UTF8.GetBytes(_keys.HsSecret);
        _rsa = Algorithm == "RS256" ? ImportRsa(_keys.RsaPem) : null;
        _ecdsa = Algorithm == "ES256" ? ImportEcdsa(_keys.EcPem) : null;

        // Compare like with like: every way must make a token that verifies and carries the same claims.
        EquivalenceCheck.Require(Algorithm, _keys, [("ours", Ours()), ("floor", Floor()), ("naive", Naive())], Issuer, Audience);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services?.Dispose();
        _rsa?.Dispose();
        _ecdsa?.Dispose();
    }

    [Benchmark(Description = "ours: TokenMinter.Mint")]
    public string Ours() => _minter.Mint("comm100", _subject).Token;

    [Benchmark(Baseline = true, Description = "floor: JsonWebTokenHandler, credentials built once")]
    public string Floor()
    {
        var now = DateTime.UtcNow;
        return _floorHandler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now - TokenMinter.NotBeforeSkew,
            Expires = now + Lifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "comm100",
                ["email"] = Email,
                ["jti"] = Guid.NewGuid().ToString(),
            },
            SigningCredentials = _floorCredentials,
        });
    }

    [Benchmark(Description = "naive: JwtSecurityTokenHandler, key built per call")]
    public string Naive()
    {
        // As in Comm100's C# sample: a new handler, key and credentials for every token; for RS256/ES256 the PEM
        // is parsed and imported every time. The imported key is never disposed, as in the sample.
        SecurityKey key = Algorithm switch
        {
            "HS256" => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_keys.HsSecret)),
            "RS256" => new RsaSecurityKey(ImportRsa(_keys.RsaPem)),
            _ => new ECDsaSecurityKey(ImportEcdsa(_keys.EcPem)),
        };
        var credentials = new SigningCredentials(key, Algorithm);
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken(
            Issuer,
            Audience,
            [new Claim("sub", "comm100"), new Claim("email", Email), new Claim("jti", Guid.NewGuid().ToString())],
            now - TokenMinter.NotBeforeSkew,
            now + Lifetime,
            credentials);
        token.Payload["iat"] = EpochTime.GetIntDate(now);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    [Benchmark(Description = "raw signature over the same bytes")]
    public byte[] RawSignature() => Algorithm switch
    {
        "HS256" => HMACSHA256.HashData(_hmacKey, _signingInput),
        "RS256" => _rsa!.SignData(_signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => _ecdsa!.SignData(_signingInput, HashAlgorithmName.SHA256),
    };

    /// <summary>The library composed as a host composes it, so the minter is the one <c>/api/jwt</c> uses.</summary>
    internal static ServiceProvider ComposeIssuer(string algorithm, BenchmarkKeys keys)
    {
        var settings = new Dictionary<string, string?>
        {
            ["JwtIssuer:Issuer"] = Issuer,
            ["JwtIssuer:Consumers:comm100:RedirectUrls:0"] = "https://dash11.comm100.io/api/agentSSO/jwt/Consumer",
            ["JwtIssuer:Consumers:comm100:Audience"] = Audience,
            ["JwtIssuer:Consumers:comm100:Subject"] = "comm100",
            ["JwtIssuer:Consumers:comm100:SigningKey"] = "bench",
            ["JwtIssuer:SigningKeys:bench:Algorithm"] = algorithm,
        };
        settings[algorithm == "HS256" ? "JwtIssuer:SigningKeys:bench:Secret" : "JwtIssuer:SigningKeys:bench:PrivateKeyPem"] =
            algorithm == "HS256" ? keys.HsSecret : keys.PemFor(algorithm);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Production" })
            .AddJwtIssuer(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private SigningCredentials FloorCredentials()
    {
        SecurityKey key = Algorithm switch
        {
            "HS256" => new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_keys.HsSecret)),
            "RS256" => new RsaSecurityKey(ImportRsa(_keys.RsaPem)),
            _ => new ECDsaSecurityKey(ImportEcdsa(_keys.EcPem)),
        };
        key.KeyId = "bench";
        return new SigningCredentials(key, Algorithm);
    }

    private static RSA ImportRsa(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    private static ECDsa ImportEcdsa(string pem)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return ecdsa;
    }
}
