using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace JwtIssuer.Benchmarks.Load;

/// <summary>
/// Drives the real server (Release build, Production settings; its audit trail in SQLite, and with
/// <see cref="PostgresVariable"/> also in PostgreSQL) and the baseline app with wrk, each pinned to the same core while wrk
/// runs on the other, and records requests/s, latency, CPU time per request, wrong answers and the server's memory.
/// </summary>
internal sealed partial class LoadHarness(string serverDllPath, TimeSpan runLength, TimeSpan soakLength, int connections)
{
    private const int ServerCore = 1;
    private const int ClientCore = 0;
    private const int Rounds = 5;

    /// <summary>The run against a server that also writes every audit event as a log line (JwtIssuer.Audit at Information).</summary>
    public const string LogLinesRun = "HS256, audit log lines on";

    /// <summary>The run against a server keeping its audit trail (and users) in PostgreSQL.</summary>
    public const string PostgresRun = "HS256, PostgreSQL";

    /// <summary>The audit trail's writer thread, as <c>/proc/&lt;pid&gt;/task/*/comm</c> names it (15 characters at most).</summary>
    public const string AuditWriterThread = "JwtIssuer audit";

    /// <summary>A PostgreSQL server for the PostgreSQL run (an Npgsql connection string); without it there is no such run.</summary>
    public const string PostgresVariable = "JWTISSUER_BENCH_POSTGRES";

    // Long enough for tiered compilation to finish: with one core, its background compiles compete with requests.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);
    private const string Email = "load@example.com";
    private const string CookieName = "jwtissuer";
    private const string ApplicationName = "JwtIssuer";

    // One consumer per algorithm, so one server and one sign-in serve every run.
    private static readonly (string Name, string Algorithm, string Url)[] Consumers =
    [
        ("hs", "HS256", "https://hs.consumer.test/sso"),
        ("rs", "RS256", "https://rs.consumer.test/sso"),
        ("es", "ES256", "https://es.consumer.test/sso"),
    ];

    private static readonly string BenchmarksDll = typeof(LoadHarness).Assembly.Location;
    private static readonly string WrkScript = Path.Combine(AppContext.BaseDirectory, "Load", "wrk-report.lua");

    private readonly string _serverDll = Path.GetFullPath(serverDllPath);
    private readonly string _password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private readonly Dictionary<string, SecurityKey> _verificationKeys = [];

    /// <summary>One server (or the baseline) under load: where to send requests, as whom, and the process to measure.</summary>
    private sealed record Target(string Name, Uri Url, string Cookie, ChildProcess Process);

    public async Task<LoadResults> RunAsync()
    {
        if (MachineDescription.OnlineCores() < 2)
        {
            throw new InvalidOperationException("The harness needs two cores: one for the server, one for wrk.");
        }

        var work = Directory.CreateTempSubdirectory("jwt-issuer-load-");
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } postgresServer
            ? new NpgsqlConnectionStringBuilder(postgresServer) { Database = $"jwt_bench_{Guid.NewGuid():N}" }
            : null;
        var processes = new List<ChildProcess>();
        try
        {
            var environment = ServerEnvironment(work.FullName);
            var serverDirectory = Path.GetDirectoryName(_serverDll)!;
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

            // The server as shipped: its audit trail in SQLite (write-ahead log, synchronous=FULL).
            var (server, serverUrl, cookie) = await StartServerAsync(http, environment, serverDirectory, processes);
            var hsToken = await VerifyAsync(http, serverUrl, cookie, Consumers[0]);
            foreach (var consumer in Consumers.Skip(1))
            {
                await VerifyAsync(http, serverUrl, cookie, consumer);
            }

            // The same server writing each audit event as a log line too: what turning the JwtIssuer.Audit category on costs.
            var (logLines, logLinesUrl, _) = await StartServerAsync(http,
                new Dictionary<string, string>(environment) { ["Logging__LogLevel__JwtIssuer.Audit"] = "Information" }, serverDirectory, processes, cookie);
            await VerifyAsync(http, logLinesUrl, cookie, Consumers[0]);

            var targets = new List<Target>();
            var (baseline, baselineUrl) = await StartAsync(http, "dotnet",
                [BenchmarksDll, "baseline-app", Path.Combine(work.FullName, "dataprotection"), ApplicationName, CookieName,
                    hsToken.Length.ToString(CultureInfo.InvariantCulture)],
                // Server GC, as the server has (an ASP.NET Core app); the micro-benchmarks keep workstation GC.
                new Dictionary<string, string> { ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true", ["DOTNET_gcServer"] = "1" }, null);
            processes.Add(baseline);
            await VerifyAsync(http, baselineUrl, cookie, ("baseline", "none", Consumers[0].Url));
            targets.Add(new Target("baseline", JwtUrl(baselineUrl, Consumers[0].Url), cookie, baseline));
            targets.Add(new Target("HS256", JwtUrl(serverUrl, Consumers[0].Url), cookie, server));

            if (postgres is not null)
            {
                // Its own database on that server, its own user and sign-in; dropped at the end.
                var (pgServer, pgUrl, pgCookie) = await StartServerAsync(http,
                    new Dictionary<string, string>(environment) { ["Database__Provider"] = "Postgres", ["Database__ConnectionString"] = postgres.ConnectionString },
                    serverDirectory, processes);
                await VerifyAsync(http, pgUrl, pgCookie, Consumers[0]);
                targets.Add(new Target(PostgresRun, JwtUrl(pgUrl, Consumers[0].Url), pgCookie, pgServer));
            }

            targets.Add(new Target(LogLinesRun, JwtUrl(logLinesUrl, Consumers[0].Url), cookie, logLines));
            var rs = new Target("RS256", JwtUrl(serverUrl, Consumers[1].Url), cookie, server);
            var es = new Target("ES256", JwtUrl(serverUrl, Consumers[2].Url), cookie, server);

            var signatures = new Dictionary<string, double>();
            foreach (var algorithm in new[] { "HS256", "RS256", "ES256" })
            {
                var output = await ChildProcess.RunAsync("dotnet", [BenchmarksDll, "sign-rate", algorithm, "5"], ServerCore);
                signatures[algorithm] = double.Parse(output.Trim(), CultureInfo.InvariantCulture);
                Console.WriteLine($"raw {algorithm}: {signatures[algorithm]:N0} signatures/s on core {ServerCore}");
            }

            foreach (var target in targets.Append(rs).Append(es))
            {
                await WrkAsync($"warm-up {target.Name}", target, connections, WarmUp);
            }

            // The HS256 runs alternate, so a slow spell of the machine falls on each; the report takes medians.
            var runs = new List<WrkRun>();
            for (var round = 1; round <= Rounds; round++)
            {
                foreach (var target in targets)
                {
                    runs.Add(await WrkAsync(target.Name, target, connections, runLength, round));
                }
            }

            runs.Add(await WrkAsync(rs.Name, rs, connections, runLength, 1));
            runs.Add(await WrkAsync(es.Name, es, connections, runLength, 1));

            // Half the measured maximum, paced: each connection waits 10 ms on average between requests.
            var hsMaximum = Median(runs.Where(run => run.Name == "HS256").Select(run => run.RequestsPerSecond));
            var pacedConnections = Math.Max(1, (int)Math.Round(hsMaximum / 2 / 100));
            runs.Add(await WrkAsync("HS256 at half the maximum", targets[1], pacedConnections, runLength, 1, pacedAt: hsMaximum / 2, delayMilliseconds: 10));

            var memory = await SoakAsync(targets[1]);
            return new LoadResults(MachineDescription.Current(), DateTimeOffset.UtcNow, connections, runLength.TotalSeconds, runs, signatures, memory);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }

            if (postgres is not null)
            {
                await DropAsync(postgres);
            }

            work.Delete(recursive: true);
        }
    }

    /// <summary>Adds the load user (first time on that database), starts the server and signs in, unless given a cookie.</summary>
    private async Task<(ChildProcess Process, Uri Url, string Cookie)> StartServerAsync(
        HttpClient http, IReadOnlyDictionary<string, string> environment, string serverDirectory, List<ChildProcess> processes, string? cookie = null)
    {
        if (cookie is null)
        {
            await ChildProcess.RunAsync("dotnet", [_serverDll, "users", "add", Email, "--name", "Load Test", "--password-stdin"],
                environment: environment, standardInput: _password + "\n", workingDirectory: serverDirectory);
        }

        var (process, url) = await StartAsync(http, "dotnet", [_serverDll], environment, serverDirectory);
        processes.Add(process);
        return (process, url, cookie ?? await SignInAsync(http, url));
    }

    private static async Task DropAsync(NpgsqlConnectionStringBuilder database)
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database.Database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The consumer URL a target's answers must go to: what wrk's script checks each answer against.</summary>
    private static string Prefix(Target target) =>
        Consumers.First(consumer => target.Url.Query.Contains(Uri.EscapeDataString(consumer.Url), StringComparison.Ordinal)).Url;

    private async Task<MemoryReport> SoakAsync(Target target)
    {
        var samples = new List<MemorySample>();
        var started = DateTime.UtcNow;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                samples.Add(new MemorySample(Math.Round((DateTime.UtcNow - started).TotalSeconds), target.Process.ResidentMegabytes().Current));
            }
        });
        var soak = await WrkAsync("HS256 soak", target, connections, soakLength, 1);
        await stop.CancelAsync();
        await sampler.ContinueWith(_ => { }, TaskScheduler.Default);
        return new MemoryReport(target.Process.ResidentMegabytes().Peak, soakLength.TotalSeconds, samples, soak);
    }

    private static async Task<WrkRun> WrkAsync(string name, Target target, int connections, TimeSpan length,
        int round = 0, double? pacedAt = null, int delayMilliseconds = 0)
    {
        var script = WrkScript;
        if (delayMilliseconds > 0)
        {
            script = Path.GetTempFileName();
            // A random wait (uniform, averaging delayMilliseconds) keeps the connections out of step, as independent agents
            // are; a fixed wait would fire them all in the same instant and measure the burst instead.
            await File.WriteAllTextAsync(script,
                $"function delay() return math.random(0, {2 * delayMilliseconds}) end\n" + await File.ReadAllTextAsync(WrkScript));
        }

        try
        {
            var before = target.Process.CpuSeconds(AuditWriterThread);
            var output = await ChildProcess.RunAsync("wrk",
                ["-t1", $"-c{connections}", $"-d{(int)length.TotalSeconds}s", "--timeout", "5s", "-s", script,
                    "-H", $"Cookie: {target.Cookie}", "-H", "X-Forwarded-Proto: https", target.Url.AbsoluteUri, "--", Prefix(target)],
                ClientCore);
            var after = target.Process.CpuSeconds(AuditWriterThread);
            var json = output.Split('\n').Last(line => line.StartsWith('{'));
            using var figures = JsonDocument.Parse(json);
            double Field(string field) => figures.RootElement.GetProperty(field).GetDouble();
            var requests = (long)Field("requests");
            var run = new WrkRun(name, round, connections, pacedAt,
                requests,
                Field("requests") / (Field("durationMicroseconds") / 1e6),
                (long)Field("socketErrors"),
                (long)Field("wrongAnswers"),
                Field("p50Microseconds") / 1000,
                Field("p99Microseconds") / 1000,
                Field("maxMicroseconds") / 1000,
                (after.Process - before.Process) / Math.Max(1, requests) * 1e6,
                (after.Thread - before.Thread) / Math.Max(1, requests) * 1e6);
            Console.WriteLine($"{name,-28} {run.RequestsPerSecond,9:N0} req/s  p50 {run.P50Milliseconds:N2} ms  p99 {run.P99Milliseconds:N2} ms  " +
                              $"CPU {run.CpuMicrosecondsPerRequest:N1} µs/req (audit writer {run.AuditWriterMicrosecondsPerRequest:N1})  " +
                              $"socket errors {run.SocketErrors}  wrong answers {run.WrongAnswers}");
            return run;
        }
        finally
        {
            if (script != WrkScript)
            {
                File.Delete(script);
            }
        }
    }

    private Dictionary<string, string> ServerEnvironment(string work)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // As behind a TLS-terminating proxy: the sign-in cookie is Secure, the harness speaks plain HTTP on loopback.
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["Database__Provider"] = "Sqlite",
            ["Database__ConnectionString"] = $"Data Source={Path.Combine(work, "jwt-issuer.db")}",
            ["DataProtection__KeysPath"] = Path.Combine(work, "dataprotection"),
            ["DataProtection__ApplicationName"] = ApplicationName,
            ["Session__CookieName"] = CookieName,
            ["JwtIssuer__Issuer"] = "https://issuer.load.test",
        };

        foreach (var (name, algorithm, url) in Consumers)
        {
            environment[$"JwtIssuer__Consumers__{name}__RedirectUrls__0"] = url;
            environment[$"JwtIssuer__Consumers__{name}__SigningKey"] = name;
            environment[$"JwtIssuer__SigningKeys__{name}__Algorithm"] = algorithm;
            switch (algorithm)
            {
                case "HS256":
                    // LOAD-TEST KEYS ONLY: made fresh for this run and deleted with its folder.
                    var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
                    environment[$"JwtIssuer__SigningKeys__{name}__Secret"] = secret;
                    _verificationKeys[name] = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret));
                    break;
                default:
                    using (AsymmetricAlgorithm key = algorithm == "RS256" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256))
                    {
                        var file = Path.Combine(work, $"{name}.pem");
                        File.WriteAllText(file, key.ExportPkcs8PrivateKeyPem());
                        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                        environment[$"JwtIssuer__SigningKeys__{name}__PrivateKeyFile"] = file;
                        _verificationKeys[name] = key is RSA rsa
                            ? new RsaSecurityKey(rsa.ExportParameters(false))
                            : new ECDsaSecurityKey(ECDsa.Create(((ECDsa)key).ExportParameters(false)));
                    }

                    break;
            }
        }

        // SERVER_<name>=<value> in the harness's environment reaches the server as <name>: a way to measure other settings.
        foreach (var (name, value) in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(variable => ((string)variable.Key, (string?)variable.Value ?? string.Empty))
                     .Where(variable => variable.Item1.StartsWith("SERVER_", StringComparison.Ordinal)))
        {
            environment[name["SERVER_".Length..]] = value;
        }

        return environment;
    }

    private async Task<string> SignInAsync(HttpClient http, Uri server)
    {
        using var form = await http.SendAsync(Request(HttpMethod.Get, new Uri(server, "/login"), null));
        var html = await form.Content.ReadAsStringAsync();
        var antiforgeryToken = AntiforgeryField().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("The login page has no antiforgery token.");

        using var post = Request(HttpMethod.Post, new Uri(server, "/login"), Cookies(form));
        post.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Email,
            ["Password"] = _password,
            ["ReturnUrl"] = "/",
            ["__RequestVerificationToken"] = antiforgeryToken,
        });
        using var signedIn = await http.SendAsync(post);
        return signedIn.StatusCode == HttpStatusCode.Redirect && Cookies(signedIn).Contains(CookieName + "=", StringComparison.Ordinal)
            ? Cookies(signedIn)
            : throw new InvalidOperationException($"Sign-in failed: {(int)signedIn.StatusCode}.");
    }

    /// <summary>One request by hand before any load: a 302 to the consumer with a token that verifies (or the baseline's placeholder).</summary>
    private async Task<string> VerifyAsync(HttpClient http, Uri server, string cookie, (string Name, string Algorithm, string Url) consumer)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, JwtUrl(server, consumer.Url), cookie));
        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        var jwt = location.StartsWith(consumer.Url + "?", StringComparison.Ordinal) ? location.Split("&jwt=")[^1] : null;
        if (response.StatusCode != HttpStatusCode.Redirect || jwt is null)
        {
            throw new InvalidOperationException($"{consumer.Name}: expected a 302 to {consumer.Url} with a token, got {(int)response.StatusCode} {location}");
        }

        if (_verificationKeys.TryGetValue(consumer.Name, out var key))
        {
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
            {
                ValidIssuer = "https://issuer.load.test",
                ValidAudience = "Comm100",
                ValidAlgorithms = [consumer.Algorithm],
                IssuerSigningKey = key,
            });
            if (!result.IsValid)
            {
                throw new InvalidOperationException($"{consumer.Name}: the token does not verify: {result.Exception?.Message}");
            }
        }

        return jwt;
    }

    private static Uri JwtUrl(Uri server, string consumerUrl) =>
        new(server, "/api/jwt?redirect_url=" + Uri.EscapeDataString(consumerUrl + "?relayState=load"));

    private static HttpRequestMessage Request(HttpMethod method, Uri url, string? cookie)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Forwarded-Proto", "https");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return request;
    }

    private static string Cookies(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(value => value.Split(';')[0]) : []);

    /// <summary>Starts a web app on a free loopback port, pinned to the server core, and waits until it is ready.</summary>
    private static async Task<(ChildProcess Process, Uri Url)> StartAsync(HttpClient http, string program, string[] arguments,
        IReadOnlyDictionary<string, string> environment, string? workingDirectory)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var process = ChildProcess.Start(program, [.. arguments, "--urls", url.AbsoluteUri], ServerCore, environment, workingDirectory: workingDirectory);
        try
        {
            await WaitReadyAsync(http, url, process);
            return (process, url);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static async Task WaitReadyAsync(HttpClient http, Uri server, ChildProcess process)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(server, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(500);
        }

        throw new InvalidOperationException($"{server} did not become ready:\n{process.Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
