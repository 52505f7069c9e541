using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Running;
using JwtIssuer.Benchmarks.Load;
using JwtIssuer.Benchmarks.Reporting;

// run.sh runs all of it and writes docs/performance.md. Verbs:
//   (BenchmarkDotNet arguments)                          micro-benchmarks of minting
//   load SERVER_DLL RUN_SECONDS SOAK_SECONDS CONNECTIONS OUT.json   the HTTP load harness (wrk, Linux)
//   report BENCHMARK_JSON LOAD_JSON OUT.md               the performance page from both
//   baseline-app KEY_RING APP_NAME COOKIE TOKEN_LENGTH [host args]  the load baseline (started by load)
//   sign-rate HS256|RS256|ES256 SECONDS                  raw signatures/s on one thread (started by load)
switch (args.FirstOrDefault())
{
    case "load" when args.Length == 6:
        var results = await new LoadHarness(args[1], Seconds(args[2]), Seconds(args[3]), int.Parse(args[4], CultureInfo.InvariantCulture)).RunAsync();
        await File.WriteAllTextAsync(args[5], JsonSerializer.Serialize(results, PerformanceReport.Json));
        return 0;
    case "report" when args.Length == 4:
        await File.WriteAllTextAsync(args[3], PerformanceReport.Write(args[1], args[2]));
        return 0;
    case "baseline-app" when args.Length >= 5:
        return await BaselineApp.RunAsync(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture), args[5..]);
    case "sign-rate" when args.Length == 3:
        Console.WriteLine(SignRate.Measure(args[1], Seconds(args[2])).ToString("F0", CultureInfo.InvariantCulture));
        return 0;
    case "load" or "report" or "baseline-app" or "sign-rate":
        await Console.Error.WriteLineAsync($"usage: see the verbs at the top of {nameof(Program)}.cs, or run tests/JwtIssuer.Benchmarks/run.sh");
        return 2;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
}

static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(int.Parse(value, CultureInfo.InvariantCulture));
