using System.Text.Json;

namespace JwtIssuer.Benchmarks.Reporting;

/// <summary>The minting benchmarks' means (ns) and allocations (bytes), read from BenchmarkDotNet's full JSON report.</summary>
internal sealed class MintingFigures
{
    public static readonly string[] Methods = ["Ours", "Floor", "Naive", "RawSignature"];

    private readonly Dictionary<(string Algorithm, string Method), (double Mean, double Allocated)> _figures = [];

    private MintingFigures(string version) => BenchmarkDotNetVersion = version;

    public string BenchmarkDotNetVersion { get; }

    public static MintingFigures Read(string path)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(path));
        var root = report.RootElement;
        var figures = new MintingFigures(root.GetProperty("HostEnvironmentInfo").GetProperty(nameof(BenchmarkDotNetVersion)).GetString()!);
        foreach (var benchmark in root.GetProperty("Benchmarks").EnumerateArray())
        {
            var algorithm = benchmark.GetProperty("Parameters").GetString()!.Split('=')[1];
            figures._figures[(algorithm, benchmark.GetProperty("Method").GetString()!)] = (
                benchmark.GetProperty("Statistics").GetProperty("Mean").GetDouble(),
                benchmark.GetProperty("Memory").GetProperty("BytesAllocatedPerOperation").GetDouble());
        }

        return figures;
    }

    public static string Describe(string method) => method switch
    {
        "Ours" => "ours",
        "Floor" => "floor",
        "Naive" => "naive",
        _ => "raw signature",
    };

    public double Mean(string algorithm, string method) => Get(algorithm, method).Mean;

    public double Allocated(string algorithm, string method) => Get(algorithm, method).Allocated;

    public double Ratio(string algorithm, string method, string over) => Mean(algorithm, method) / Mean(algorithm, over);

    public double AllocationRatio(string algorithm, string method, string over) => Allocated(algorithm, method) / Allocated(algorithm, over);

    private (double Mean, double Allocated) Get(string algorithm, string method) =>
        _figures.TryGetValue((algorithm, method), out var figures)
            ? figures
            : throw new InvalidOperationException($"The benchmark report has no {method} for {algorithm}; run every benchmark (--filter '*').");
}
