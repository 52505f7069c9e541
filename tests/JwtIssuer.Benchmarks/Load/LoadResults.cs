namespace JwtIssuer.Benchmarks.Load;

/// <summary>What one load run measured; the report reads these from the harness's JSON file.</summary>
internal sealed record LoadResults(
    MachineDescription Machine,
    DateTimeOffset MeasuredAt,
    int Connections,
    double RunSeconds,
    IReadOnlyList<WrkRun> Runs,
    IReadOnlyDictionary<string, double> SignaturesPerSecond,
    MemoryReport Memory);

/// <summary>
/// One wrk run. CPU figures are the target process's user and system time over the run (and that of its audit
/// writer thread) divided by the requests answered: what one request costs, whether or not the core was saturated.
/// </summary>
internal sealed record WrkRun(
    string Name,
    int Round,
    int Connections,
    double? PacedAt,
    long Requests,
    double RequestsPerSecond,
    long SocketErrors,
    long WrongAnswers,
    double P50Milliseconds,
    double P99Milliseconds,
    double MaxMilliseconds,
    double CpuMicrosecondsPerRequest,
    double AuditWriterMicrosecondsPerRequest);

/// <summary>The server's resident set: its peak over the whole harness, and samples over the soak run.</summary>
internal sealed record MemoryReport(double PeakMegabytes, double SoakSeconds, IReadOnlyList<MemorySample> SoakSamples, WrkRun Soak)
{
    /// <summary>Growth from the soak's first sample to its last, in percent (the server is warm by then).</summary>
    public double GrowthPercent => (SoakSamples[^1].Megabytes - SoakSamples[0].Megabytes) / SoakSamples[0].Megabytes * 100;
}

internal sealed record MemorySample(double Seconds, double Megabytes);

internal sealed record MachineDescription(string Processor, int Cores, string OperatingSystem, string Runtime)
{
    public static MachineDescription Current()
    {
        var model = File.ReadLines("/proc/cpuinfo")
            .FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        return new MachineDescription(model, OnlineCores(),
            System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The machine's cores, whatever this process is pinned to (Environment.ProcessorCount counts only those).</summary>
    public static int OnlineCores() => File.ReadLines("/proc/cpuinfo").Count(line => line.StartsWith("processor", StringComparison.Ordinal));
}
