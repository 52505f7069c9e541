using System.Diagnostics;
using System.Net;
using JwtIssuer.Server.Users;
using JwtIssuer.Tests.Infrastructure;
using static JwtIssuer.Tests.Infrastructure.JwtIssuerApplication;

namespace JwtIssuer.Tests.Deployment;

/// <summary>
/// Scale-out as deployed: two real server processes on one PostgreSQL database, behind nginx on loopback
/// terminating TLS and balancing round-robin. Any instance must accept a session any other started.
/// </summary>
public sealed class TwoInstanceTests : IAsyncDisposable
{
    private const string Nginx = "/usr/sbin/nginx";
    private readonly string _directory = Directory.CreateTempSubdirectory("jwt-issuer-scale-").FullName;
    private readonly TestDatabase _database;
    private readonly Dictionary<string, string?> _settings;
    private readonly int[] _ports = [ServerProcess.FreePort(), ServerProcess.FreePort()];
    private readonly ServerProcess?[] _instances = new ServerProcess?[2];
    private Process? _nginx;

    public TwoInstanceTests()
    {
        _database = new TestDatabase(TestDatabase.Postgres, _directory);
        _settings = DefaultSettings(_directory);
        _settings["Database:Provider"] = TestDatabase.Postgres;
        _settings["Database:ConnectionString"] = _database.ConnectionString;
        _settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Behind the proxy: trust X-Forwarded-Proto, so cookies and redirects know the request was HTTPS.
        _settings["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        foreach (var category in new[] { "Default", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore" })
        {
            _settings[$"Logging:LogLevel:{category}"] = "Warning";
        }
    }

    [Fact]
    public async Task EveryInstanceServesEverySessionThroughFailoverRestartsAndADisable()
    {
        if (!File.Exists(Nginx))
        {
            Requirement.Missing($"nginx is not installed at {Nginx}: install Debian's 'nginx' package to run the two-instance test.");
        }

        // Both start at the same moment on an empty database: the migration lock must keep them apart.
        await Task.WhenAll(StartInstanceAsync(0), StartInstanceAsync(1));
        var proxy = StartNginx();
        Assert.Equal(0, (await Cli.RunAsync(_settings, DefaultPassword, "users", "add", "agent@example.com", "--password-stdin")).ExitCode);

        var cookies = new CookieContainer();
        using var client = ProxyClient(proxy, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await PostLoginAsync(client, "agent@example.com", DefaultPassword)).StatusCode);

        var answered = new HashSet<string>();
        for (var call = 0; call < 20; call++)
        {
            answered.Add(await IssueAsync(client, HttpStatusCode.Redirect));
        }

        Assert.Equal(2, answered.Count);
        // The shared key ring is in PostgreSQL, not in a folder the two processes happen to share here.
        Assert.True(await CountDataProtectionKeysAsync() > 0);
        Assert.False(Directory.Exists(Path.Combine(_directory, "dataprotection")));

        await _instances[0]!.DisposeAsync();
        for (var call = 0; call < 10; call++)
        {
            Assert.Equal($"127.0.0.1:{_ports[1]}", await IssueAsync(client, HttpStatusCode.Redirect));
        }

        await _instances[1]!.DisposeAsync();
        await Task.WhenAll(StartInstanceAsync(0), StartInstanceAsync(1));
        // nginx keeps a failed upstream out for fail_timeout (2 s); wait so both instances take traffic again.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        answered.Clear();
        for (var call = 0; call < 6; call++)
        {
            answered.Add(await IssueAsync(client, HttpStatusCode.Redirect));
        }

        Assert.Equal(2, answered.Count);

        Assert.Equal(0, (await Cli.RunAsync(_settings, null, "users", "disable", "agent@example.com")).ExitCode);
        // Each instance reads user status at most every MaxAge (real time here: these are real processes).
        await Task.Delay(UserStatusSnapshot.MaxAge, TestContext.Current.CancellationToken);
        answered.Clear();
        for (var call = 0; call < 4; call++)
        {
            answered.Add(await IssueAsync(client, HttpStatusCode.Forbidden));
        }

        Assert.Equal(2, answered.Count);
    }

    /// <summary>Asks for a token through nginx; returns which instance answered (the last one nginx tried).</summary>
    private static async Task<string> IssueAsync(HttpClient client, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(JwtUrl(Comm100Url + "?relayState=scale"));
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Redirect)
        {
            Assert.StartsWith(Comm100Url + "?relayState=scale&jwt=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        return Assert.Single(response.Headers.GetValues("X-Upstream")).Split(", ")[^1];
    }

    private async Task<long> CountDataProtectionKeysAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM \"DataProtectionKeys\"", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task StartInstanceAsync(int index) =>
        _instances[index] = await ServerProcess.StartAsync(_directory, _ports[index], _settings);

    private static HttpClient ProxyClient(int port, CookieContainer cookies) =>
        new(new HttpClientHandler
        {
            CookieContainer = cookies,
            AllowAutoRedirect = false,
            // The proxy's certificate is a test certificate made for this run.
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{port}"),
        };

    private int StartNginx()
    {
        var port = ServerProcess.FreePort();
        var prefix = Directory.CreateDirectory(Path.Combine(_directory, "nginx")).FullName;
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(prefix, "test-only.crt"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(prefix, "test-only.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(prefix, "nginx.conf"), $$"""
            worker_processes 1;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 64; }
            http {
                access_log off;
                # Never spill to the temp paths: nginx's workers may run as another user.
                proxy_max_temp_file_size 0;
                client_body_buffer_size 64k;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                upstream jwt_issuer {
                    server 127.0.0.1:{{_ports[0]}} max_fails=1 fail_timeout=2s;
                    server 127.0.0.1:{{_ports[1]}} max_fails=1 fail_timeout=2s;
                }
                server {
                    listen 127.0.0.1:{{port}} ssl;
                    ssl_certificate {{prefix}}/test-only.crt;
                    ssl_certificate_key {{prefix}}/test-only.key;
                    location / {
                        proxy_pass http://jwt_issuer;
                        proxy_next_upstream error timeout;
                        proxy_set_header Host $host:$server_port;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        add_header X-Upstream $upstream_addr always;
                    }
                }
            }
            """);
        _nginx = Process.Start(new ProcessStartInfo(Nginx)
        {
            ArgumentList = { "-p", prefix, "-c", Path.Combine(prefix, "nginx.conf"), "-g", "daemon off;" },
            RedirectStandardError = true,
        })!;
        for (var attempt = 0; attempt < 100 && !File.Exists(Path.Combine(prefix, "nginx.pid")); attempt++)
        {
            Thread.Sleep(50);
        }

        Assert.False(_nginx.HasExited, _nginx.HasExited ? _nginx.StandardError.ReadToEnd() : null);
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            await _nginx.WaitForExitAsync();
        }

        _nginx?.Dispose();
        foreach (var instance in _instances)
        {
            if (instance is not null)
            {
                await instance.DisposeAsync();
            }
        }

        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
